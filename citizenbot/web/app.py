"""The web server of the project: demo city pages, the chat widget's files and its real-time
gateway (Socket.IO at /socket.io/). Started by `make run` next to Rasa and the action server.

    uv run citizenbot web --port 8080
"""

from __future__ import annotations

import asyncio
import logging
import re
from pathlib import Path

import socketio
from aiohttp import web

from citizenbot import health as health_checks
from citizenbot.analytics import themes
from citizenbot.analytics.district_map import load_shapes
from citizenbot.handoff.ratings import RatingStore
from citizenbot.kb import KnowledgeBase
from citizenbot.services import build_services
from citizenbot.settings import PROJECT_ROOT, served_languages
from citizenbot.store.db import Database
from citizenbot.web.analytics_api import AnalyticsApi
from citizenbot.web.analytics_live import AnalyticsLive
from citizenbot.web.client_address import parse_proxies
from citizenbot.web.demo import demo_site
from citizenbot.web.gateway import Gateway, GatewayConfig
from citizenbot.web.handoff_service import HandoffService
from citizenbot.web.photos import PhotoEndpoints
from citizenbot.web.rasa_client import RasaClient
from citizenbot.web.ratings_api import RatingsApi
from citizenbot.web.reports_api import ReportsApi
from citizenbot.web.review_api import ReviewApi
from citizenbot.web.staff_api import StaffApi, StaffSocket

logger = logging.getLogger(__name__)

WEB_DIR = PROJECT_ROOT / "web"
WIDGET_DIR = WEB_DIR / "src"
DEMO_DIR = WEB_DIR / "demo"
DEMO_SOURCES = ("page.html", "pages.yml")  # what the demo pages are made of, not pages
STAFF_DIR = WEB_DIR / "staff"
NODE_MODULES = WEB_DIR / "node_modules"
# Third-party browser files, served from the npm packages installed by `make setup` (no CDN).
VENDOR_FILES = {
    "socket.io.esm.min.js": NODE_MODULES / "socket.io-client" / "dist" / "socket.io.esm.min.js",
    "axe.min.js": NODE_MODULES / "axe-core" / "axe.min.js",
}
HDS_LIB = NODE_MODULES / "hds-core" / "lib"
HDS_PARTS = (HDS_LIB / "base.min.css", HDS_LIB / "components" / "button" / "button.min.css")
GATEWAY_KEY = web.AppKey("gateway", Gateway)
HANDOFF_KEY = web.AppKey("handoff", HandoffService)
REFRESH_KEY = web.AppKey("queue_refresh", asyncio.Task)
LIVE_KEY = web.AppKey("analytics_live", asyncio.Task)
WARM_KEY = web.AppKey("analytics_warm_up", asyncio.Task)
QUEUE_REFRESH_SECONDS = 15
RASA_KEY = web.AppKey("rasa", RasaClient)
KB_KEY = web.AppKey("kb", KnowledgeBase)
DATABASE_KEY = web.AppKey("database", Database)
HDS_CSS_KEY = web.AppKey("hds_css", str)

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
}


@web.middleware
async def security_headers(request: web.Request, handler):
    response = await handler(request)
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    return response


def _file(path: Path, content_type: str | None = None) -> web.StreamResponse:
    if not path.is_file():
        raise web.HTTPNotFound(text=f"{path.name} is not installed: run `make setup`")
    response = web.FileResponse(path)
    if content_type:
        response.content_type = content_type
    response.headers["Cache-Control"] = "no-cache"
    return response


def scoped_hds_css() -> str:
    """hds-core for a shadow root: its tokens on :host instead of :root, no page-wide html rule."""
    parts = []
    for path in HDS_PARTS:
        if not path.is_file():
            raise web.HTTPNotFound(text="hds-core is not installed: run `make setup`")
        parts.append(path.read_text(encoding="utf-8"))
    css = "\n".join(parts).replace(":root", ":host")
    return re.sub(r"(^|})html\{[^}]*\}", r"\1", css)


async def vendor(request: web.Request) -> web.StreamResponse:
    if request.match_info["name"] == "hds-core.min.css":
        if HDS_CSS_KEY not in request.app:
            request.app[HDS_CSS_KEY] = scoped_hds_css()
        return web.Response(text=request.app[HDS_CSS_KEY], content_type="text/css", headers={"Cache-Control": "no-cache"})
    path = VENDOR_FILES.get(request.match_info["name"])
    if path is None:
        raise web.HTTPNotFound()
    return _file(path)


async def widget_file(request: web.Request) -> web.StreamResponse:
    name = request.match_info["name"]
    path = (WIDGET_DIR / name).resolve()
    if WIDGET_DIR.resolve() not in path.parents:
        raise web.HTTPNotFound()
    return _file(path, "text/javascript" if name.endswith(".js") else None)


async def widget_config(request: web.Request) -> web.Response:
    """City settings the widget shows (privacy notice); from the knowledge base, per language."""
    kb = request.app[KB_KEY]
    config = {}
    for lang in served_languages():
        config[lang] = {
            "privacy_url": await asyncio.to_thread(kb.fact, "privacy_url", lang),
            "retention_days": await asyncio.to_thread(kb.fact, "conversation_retention_days", lang),
            "city": await asyncio.to_thread(kb.fact, "city", lang),
        }
    return web.json_response(config, headers={"Cache-Control": "max-age=60"})


async def staff_file(request: web.Request) -> web.StreamResponse:
    name = request.match_info.get("name") or "index.html"
    path = (STAFF_DIR / name).resolve()
    if STAFF_DIR.resolve() not in path.parents:
        raise web.HTTPNotFound()
    return _file(path, "text/javascript" if name.endswith(".js") else None)


async def staff_hds_css(request: web.Request) -> web.Response:
    """hds-core for the staff console (its own page, so the tokens stay on :root)."""
    parts = [p.read_text(encoding="utf-8") for p in HDS_PARTS if p.is_file()]
    return web.Response(text="\n".join(parts), content_type="text/css", headers={"Cache-Control": "no-cache"})


async def demo_page(request: web.Request) -> web.StreamResponse:
    page = demo_site(DEMO_DIR).render(request.path)  # the demo city's pages (web/demo/pages.yml)
    if page is not None:
        return web.Response(text=page, content_type="text/html", charset="utf-8", headers={"Cache-Control": "no-cache"})
    name = request.match_info.get("page") or "index.html"  # its other files (demo.css)
    if name in DEMO_SOURCES:
        raise web.HTTPNotFound()
    path = (DEMO_DIR / name).resolve()
    if DEMO_DIR.resolve() not in path.parents and path != DEMO_DIR.resolve():
        raise web.HTTPNotFound()
    if path.is_dir():
        path = path / "index.html"
    return _file(path)


FAVICON = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="6" '
    'fill="#0000bf"/><text x="16" y="23" font-size="20" text-anchor="middle" fill="#fff">?</text></svg>'
)


async def favicon(request: web.Request) -> web.Response:
    return web.Response(text=FAVICON, content_type="image/svg+xml", headers={"Cache-Control": "max-age=86400"})


async def health(request: web.Request) -> web.Response:
    """Liveness: the process answers (whatever Rasa and the database do)."""
    return web.json_response({"status": "ok"})


async def ready(request: web.Request) -> web.Response:
    """Readiness: the database answers and Rasa has a model loaded (503 otherwise)."""
    status, body = await health_checks.readiness({
        "database": health_checks.database_ok(request.app[DATABASE_KEY]),
        "rasa": request.app[RASA_KEY].ready(),
    })
    return web.json_response(body, status=status)


def create_app(rasa_url: str | None = None, rasa_token: str | None = None, secret: str | None = None,
               database_url: str | None = None) -> web.Application:
    svc = build_services(database_url=database_url)
    settings = svc.settings
    rasa = RasaClient(rasa_url or settings.rasa_url, rasa_token or settings.rasa_token,
                      rest_key=settings.rest_channel_key)
    # any page may embed the widget, but without credentials: residents authenticate by the signed
    # token in each message, never by cookie (the staff console is same-origin)
    sio = socketio.AsyncServer(async_mode="aiohttp", cors_allowed_origins="*", cors_credentials=False,
                               client_manager=_manager(settings))
    app = web.Application(middlewares=[security_headers], client_max_size=64 * 1024)
    sio.attach(app, socketio_path="socket.io")
    handoffs = HandoffService(sio, rasa, svc.handoffs, svc.kb, svc.handoff)
    app[RASA_KEY] = rasa
    app[DATABASE_KEY] = svc.database
    app[KB_KEY] = svc.kb
    app[HANDOFF_KEY] = handoffs
    ratings = RatingStore(svc.database, str(settings.kb_dir) if settings.kb_dir else None)
    app[GATEWAY_KEY] = Gateway(sio, GatewayConfig(secret or settings.web_secret, rasa, svc.feedback, handoffs,
                                                   database=svc.database, ratings=ratings))
    StaffSocket(sio, svc.staff, handoffs)
    staff_api = StaffApi(svc.staff, handoffs, svc.kb, settings.kb_dir, secure_cookies=settings.secure_cookies,
                         trusted_proxies=parse_proxies(settings.trusted_proxies))
    staff_api.routes(app)
    ReviewApi.for_city(staff_api, svc.database, settings.city).routes(app)
    ReportsApi(staff_api, svc.reports, svc.open311, svc.photos).routes(app)
    AnalyticsApi(staff_api, svc.database, svc.kb, shapes=load_shapes(settings.kb_dir, settings.city)).routes(app)
    RatingsApi(staff_api, ratings).routes(app)
    PhotoEndpoints(secret or settings.web_secret, svc.photos).routes(app)

    app.router.add_get("/healthz", health)
    app.router.add_get("/readyz", ready)
    app.router.add_get("/favicon.ico", favicon)
    app.router.add_get("/widget/config.json", widget_config)
    app.router.add_get("/widget/vendor/{name}", vendor)
    # the widget's files, and one folder level for its texts (strings/fi.js)
    app.router.add_get("/widget/{name:[a-z0-9_.-]+(?:/[a-z0-9_.-]+)?}", widget_file)
    app.router.add_get("/staff/", staff_file)
    app.router.add_get("/staff/hds.css", staff_hds_css)
    app.router.add_get("/staff/{name:(?:strings/)?[a-z0-9_-]+(?:\\.[a-z0-9]+)+}", staff_file)  # strings/: the console's texts
    app.router.add_get("/", demo_page)
    app.router.add_get("/{page:[a-z0-9_/.-]+}", demo_page)

    async def refresh_queues(_app: web.Application) -> None:
        # Waiting residents see their place move, also when another process changed the queue.
        async def loop() -> None:
            while True:
                await asyncio.sleep(QUEUE_REFRESH_SECONDS)
                try:
                    await handoffs.refresh_all()
                except Exception:
                    logger.exception("queue refresh failed")

        _app[REFRESH_KEY] = asyncio.create_task(loop())
        _app[LIVE_KEY] = asyncio.create_task(AnalyticsLive(sio, svc.database).run())
        _app[WARM_KEY] = asyncio.create_task(asyncio.to_thread(themes.warm_up))  # the first analytics page

    async def close(_app: web.Application) -> None:
        for key in (REFRESH_KEY, LIVE_KEY):
            task = _app.get(key)
            if task:
                task.cancel()
        await sio.shutdown()
        await rasa.close()

    app.on_startup.append(refresh_queues)
    app.on_cleanup.append(close)
    return app


def _manager(settings):
    if settings.socketio_redis_url:
        return socketio.AsyncRedisManager(settings.socketio_redis_url)
    return None


def serve(host: str = "127.0.0.1", port: int = 8080) -> None:
    from citizenbot.settings import check_server_secrets

    check_server_secrets()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    web.run_app(create_app(), host=host, port=port, access_log=None, print=None)
