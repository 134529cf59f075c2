// Staff console: login, the pages each role sees, the language and sound choices. The pages live in
// their own modules (queue, conversation, search, review, reports, analytics); every text from
// residents or staff is inserted with textContent, every interface text comes from strings/<lang>.js.
import { askPermission, canAsk, muted, setMuted } from "/staff/alerting.js";
import { loadAnalytics, startAnalytics, stopAnalytics } from "/staff/analytics.js";
import { $, api, state } from "/staff/common.js";
import { connectSocket, openHandoff, setUpConversation } from "/staff/conversation.js";
import { fillLanguageChoice, named, preferred, setLang } from "/staff/i18n.js";
import { refreshQueue } from "/staff/queue.js";
import { loadRatings } from "/staff/ratings.js";
import { loadReports, setUpReports } from "/staff/reports.js";
import { buildTopicForm, loadReview, setUpReview, startReview, stopReview } from "/staff/review.js";
import { setUpSearch } from "/staff/search.js";

const VIEWS = ["console-view", "review-view", "reports-view", "analytics-view"];

function showLogin() {
  state.me = null;
  if (state.socket) state.socket.disconnect();
  for (const view of VIEWS) $(view).hidden = true;
  stopAnalytics();
  stopReview();
  $("who").hidden = true;
  $("login-view").hidden = false;
  $("username").focus();
}
state.onUnauthorized = showLogin;

function showName() {
  $("who-name").textContent = `${state.me.first_name}, ${named("role", state.me.role)}`;
}

async function showConsole(me) {
  state.me = me;
  setLang(preferred(me.username));
  fillLanguageChoice($("ui-lang"));
  buildTopicForm();
  $("login-view").hidden = true;
  $("who").hidden = false;
  showName();
  const takesConversations = me.queues.length > 0;
  $("notifications").hidden = !canAsk() || !takesConversations; // alerts are for those who take conversations
  $("sound-choice").hidden = !takesConversations;
  $("sound").checked = !muted();
  const reviews = ["trainer", "admin"].includes(me.role);
  const reports = ["agent", "admin"].includes(me.role);
  const analytics = ["analyst", "admin"].includes(me.role);
  $("console-view").hidden = !takesConversations;
  $("review-view").hidden = !reviews;
  $("reports-view").hidden = !reports;
  $("analytics-view").hidden = !analytics;
  if (reports) await loadReports();
  if (reviews) await startReview();
  if (analytics) await startAnalytics(api);
  if (takesConversations) {
    connectSocket();
    await refreshQueue();
    await loadRatings();
  }
}

/** Another language: the static texts at once, the lists drawn again from the server. */
async function changeLanguage(code) {
  setLang(code, state.me.username);
  buildTopicForm();
  showName();
  if (!$("reports-view").hidden) await loadReports();
  if (!$("review-view").hidden) await loadReview();
  if (!$("analytics-view").hidden) await loadAnalytics();
  if (!$("console-view").hidden) {
    await refreshQueue();
    await loadRatings();
    if (state.current) await openHandoff(state.current.id);
  }
}

$("login-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  delete $("login-error").dataset.t;
  $("login-error").textContent = "";
  const { ok, status, data } = await api("/api/staff/login", {
    method: "POST",
    body: { username: $("username").value, password: $("password").value },
  });
  $("password").value = "";
  if (ok) return showConsole(data.staff);
  $("login-error").dataset.t = status === 429 ? "tooManyAttempts" : "wrongLogin";
  setLang(document.documentElement.lang);
});

$("logout").addEventListener("click", async () => {
  await api("/api/staff/logout", { method: "POST" });
  showLogin();
});

$("notifications").addEventListener("click", async () => {
  await askPermission();
  $("notifications").hidden = !canAsk();
});
$("sound").addEventListener("change", (event) => setMuted(!event.target.checked));
$("ui-lang").addEventListener("change", (event) => changeLanguage(event.target.value));

setUpConversation();
setUpSearch();
setUpReview();
setUpReports();
setInterval(() => state.me && state.me.queues.length && refreshQueue(), 15000);

(async () => {
  setLang(preferred(""));
  const { ok, data } = await api("/api/staff/me");
  if (ok) showConsole(data.staff);
  else showLogin();
})();
