"""The demo city's pages: ``web/demo/page.html`` filled in from ``web/demo/pages.yml`` (one
template and one file of texts for every language, instead of a copy of the page per language).

Finnish pages are at ``/`` and ``/<file>``, the others at ``/<lang>/`` and ``/<lang>/<file>``.
Every text is HTML-escaped (quotes too where it is an attribute's value). A city does not use these: it puts the widget's script tag on its own
pages.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from html import escape
from pathlib import Path
from string import Template

import yaml

DEFAULT_LANG = "fi"  # the pages at the site's root


@dataclass(frozen=True)
class DemoSite:
    template: Template
    languages: list[dict]
    texts: dict[str, dict]
    pages: dict[str, list[dict]]

    def render(self, path: str) -> str | None:
        """The page at a URL path ("/", "/kadut.html", "/sv/"), or None when there is none."""
        parts = [p for p in path.strip("/").split("/") if p]
        lang = parts.pop(0) if parts and parts[0] in self.pages and parts[0] != DEFAULT_LANG else DEFAULT_LANG
        if len(parts) > 1:
            return None
        name = parts[0] if parts else "index.html"
        page = next((p for p in self.pages.get(lang, []) if p["file"] == name), None)
        if page is None:
            return None
        texts = self.texts[lang]
        direction = next((lang_["direction"] for lang_ in self.languages if lang_["lang"] == lang and
                          lang_.get("direction")), None)
        menu = "\n".join(
            f'        <li><a href="{url(lang, p["file"])}"{attr("aria-current", "page" if p is page else None)}>'
            f'{escape(p["menu"])}</a></li>' for p in self.pages[lang])
        languages = "\n".join(
            f'        <li><a href="{url(other["lang"], "index.html")}" lang="{other["lang"]}" hreflang="{other["lang"]}"'
            f'{attr("dir", other.get("direction"))}{attr("aria-current", "true" if other["lang"] == lang else None)}>'
            f'{escape(other["name"])}</a></li>' for other in self.languages)
        return self.template.substitute(
            lang=lang, direction=attr("dir", direction), title=escape(page["title"], quote=False),
            skip=escape(texts["skip"], quote=False), menu_label=escape(texts["menu"]), menu=menu,
            languages_label=escape(texts["languages"]), languages=languages, heading=escape(page["heading"], quote=False),
            paragraphs="\n".join(f"      <p>{escape(text, quote=False)}</p>" for text in page["paragraphs"]),
            footer=escape(texts["footer"], quote=False))


def attr(name: str, value: str | None) -> str:
    """` name="value"`, or nothing when there is no value."""
    return f' {name}="{escape(value)}"' if value else ""


def url(lang: str, name: str) -> str:
    prefix = "/" if lang == DEFAULT_LANG else f"/{lang}/"
    return prefix if name == "index.html" else prefix + name


@lru_cache(maxsize=4)
def demo_site(demo_dir: Path) -> DemoSite:
    data = yaml.safe_load((demo_dir / "pages.yml").read_text(encoding="utf-8"))
    return DemoSite(Template((demo_dir / "page.html").read_text(encoding="utf-8")), data["languages"],
                    data["texts"], data["pages"])
