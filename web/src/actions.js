// What the resident does with the conversation itself, from the menu or a question in the panel:
// save it, delete it, rate the chat with a person, leave a message outside service hours.
// Each takes the widget (its socket, session, texts and panel).
import { confirmDelete } from "./asks.js";
import { formatOpening, t, transcriptText } from "./core.js";
import { askLeaveMessage } from "./leave.js";
import { download } from "./panel.js";
import { askRating } from "./rating.js";

const WAIT_MS = 15000; // an answer from the gateway; after that the resident is told it failed

function call(widget, event, data, done) {
  widget.socket.timeout(WAIT_MS).emit(event, { ...widget.session, ...data }, (err, answer) => done(err ? null : answer));
}

/** "Save the conversation": the log as a text file the resident keeps (made in the browser). */
export function saveTranscript(widget) {
  widget.toggleMenu(false);
  const day = new Date().toISOString().slice(0, 10);
  download(widget.root, transcriptText(widget.messages, widget.lang), `${t(widget.lang, "transcriptTitle")} ${day}.txt`);
  widget.ui.menuButton.focus();
}

/** "Delete the conversation": asked first; then the server deletes it (messages, feedback,
 * review copies) and a new conversation starts here and in the resident's other tabs. */
export function deleteConversation(widget) {
  widget.toggleMenu(false);
  confirmDelete(widget.ui.dialogs, widget.lang, {
    back: widget.ui.menuButton,
    onYes: () => {
      if (!widget.session) return widget.newConversation({ notice: "deleted" });
      const deleting = widget.session.session_id;
      call(widget, "conversation_delete", {}, (answer) => {
        if (!answer?.ok) return widget.setStatus("deleteFailed");
        if (widget.session?.session_id === deleting) widget.newConversation({ notice: "deleted" });
      });
    },
  });
}

/** "How was the chat?" after a chat with a person (skippable; focus back to the input). */
export function rateChat(widget, handoffId) {
  askRating(widget.ui.dialogs, widget.lang, {
    send: ({ score, comment }, done) => call(widget, "chat_rating", { handoff_id: handoffId, score, comment }, done),
    done: (notice) => {
      widget.setStatus(notice);
      widget.ui.input.focus();
    },
  });
}

/** "Leave a message" under the "nobody is on duty now" answer of a queue. */
export function leaveMessage(widget, queue) {
  const lang = widget.lang;
  askLeaveMessage(widget.ui.dialogs, lang, {
    send: ({ text, contact }, done) => call(widget, "leave_message", { queue, lang, text, contact }, done),
    done: (answer) => {
      widget.ui.input.focus();
      if (!answer) return;
      if (answer.error === "open") return widget.setStatus("leaveOpen");
      const when = formatOpening(answer.opens_at, answer.timezone, lang);
      widget.notice(t(lang, when ? "leaveDone" : "leaveDoneNoTime", { when }));
    },
  });
}
