#!/usr/bin/env python3
"""A loopback Telegram Bot API server for tests and benchmarks.

Behaves like api.telegram.org where the bot can tell: POST /bot<token>/<method> with a
JSON body; {"ok":true,"result":...} or {"ok":false,"error_code":N,"description":...,
"parameters":{...}} with the HTTP status equal to error_code. getUpdates long-polls with
offsets (confirmed updates are forgotten), answers 409 while a webhook is set and to the
older of two concurrent pollers; sendMessage checks the chat (403 blocked, 400 migrated
with migrate_to_chat_id), parses HTML entities like the real server (400 "can't parse
entities"), measures length in UTF-16 units after parsing and enforces the flood limits
(1 message/s per chat, 20/min per group, 30/s overall) with 429 and retry_after.

sendPhoto takes multipart/form-data like the real server: the photo must be a PNG (signature, IHDR)
of sensible size, the caption at most 1024 characters after parsing. editMessageText answers 400
"message is not modified" when nothing changes; callback_data over 64 bytes is 400 BUTTON_DATA_INVALID.

Tests drive it through POST /control/<action> (JSON): push updates, queue failures,
slow a method down, set a webhook, block or migrate a chat, read the requests seen.
Prints one JSON line {"port": N} on stdout once listening.
"""
import argparse
import base64
import email.parser
import email.policy
import html
import json
import os
import re
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import loopback  # noqa: E402  (commands/lib)

BOT = {"id": 7000000001, "is_bot": True, "first_name": "alfa test", "username": "alfa_test_bot"}
ALLOWED_TAGS = {"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "a", "code", "pre",
                "tg-spoiler", "span", "blockquote", "tg-emoji"}
COMMAND_NAME = re.compile(r"^[a-z0-9_]{1,32}$")


class ParseError(Exception):
    pass


def parse_html(text):
    """The text a user would see, or ParseError with Telegram's wording."""
    out = []
    stack = []
    i = 0
    data = text
    while i < len(data):
        c = data[i]
        if c == "<":
            end = data.find(">", i)
            if end < 0:
                raise ParseError("Unclosed start tag at byte offset %d" % len(data[:i].encode()))
            inside = data[i + 1:end]
            closing = inside.startswith("/")
            name = (inside[1:] if closing else inside).split(" ")[0].strip().lower()
            if not name or not re.match(r"^[a-z-]+$", name):
                raise ParseError("Unexpected end of name token at byte offset %d" % len(data[:i].encode()))
            if name not in ALLOWED_TAGS:
                raise ParseError('Unsupported start tag "%s" at byte offset %d' % (name, len(data[:i].encode())))
            if closing:
                if not stack or stack[-1] != name:
                    raise ParseError('Unmatched end tag at byte offset %d, expected "</%s>", found "</%s>"'
                                     % (len(data[:i].encode()), stack[-1] if stack else "", name))
                stack.pop()
            else:
                stack.append(name)
            i = end + 1
        elif c == "&":
            m = re.match(r"&(lt|gt|amp|quot|#\d+|#x[0-9a-fA-F]+);", data[i:])
            if m:
                out.append(html.unescape(m.group(0)))
                i += len(m.group(0))
            else:
                out.append("&")
                i += 1
        else:
            out.append(c)
            i += 1
    if stack:
        raise ParseError('Can\'t find end tag corresponding to start tag "%s"' % stack[-1])
    return "".join(out)


def parse_multipart(content_type, raw):
    """Fields of a multipart/form-data body: text as str, files as bytes (with NAME_filename)."""
    try:
        message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
            b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + raw)
    except Exception:
        return None
    if not message.is_multipart():
        return None
    fields = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if not name:
            return None
        payload = part.get_payload(decode=True) or b""
        filename = part.get_filename()
        if filename is not None:
            fields[name] = payload
            fields[name + "_filename"] = filename
        else:
            fields[name] = payload.decode("utf-8")
    return fields


def png_size(data):
    """(width, height) of a PNG, or None when the bytes are not one."""
    if len(data) < 33 or data[:8] != b"\x89PNG\r\n\x1a\n" or data[12:16] != b"IHDR":
        return None
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


def markup_valid(markup):
    """Inline keyboards only, each callback_data 1 to 64 bytes."""
    if markup is None:
        return True
    rows = markup.get("inline_keyboard") if isinstance(markup, dict) else None
    if not isinstance(rows, list):
        return False
    for row in rows:
        for button in row:
            data = button.get("callback_data")
            if data is not None and not 1 <= len(data.encode()) <= 64:
                return False
    return True


def checked_text(text, parse_mode, markup, limit, too_long, may_be_empty=False):
    """The text a user would see, or the error Telegram answers for it or for the buttons."""
    visible = text
    if text and parse_mode == "HTML":
        try:
            visible = parse_html(text)
        except ParseError as e:
            return None, error(400, "Bad Request: can't parse entities: %s" % e)
    if not may_be_empty and not visible.strip():
        return None, error(400, "Bad Request: message text is empty")
    if utf16_length(visible) > limit:
        return None, error(400, "Bad Request: %s" % too_long)
    if not markup_valid(markup):
        return None, error(400, "Bad Request: BUTTON_DATA_INVALID")
    return visible, None


def utf16_length(text):
    return len(text.encode("utf-16-le")) // 2


class State:
    def __init__(self, token):
        self.token = token
        self.lock = threading.Condition()
        self.reset()

    def reset(self):
        self.updates = []            # (update_id, json text)
        self.next_update_id = 100000
        self.webhook = None
        self.blocked = set()
        self.migrated = {}
        self.failures = {}           # method -> [ (status, description, parameters) ]
        self.delays = {}             # method -> seconds
        self.requests = []           # {method, body, t}
        self.sent = []               # sendMessage and sendPhoto results
        self.photos = []             # sendPhoto: {chat_id, width, height, bytes, png (base64), caption}
        self.edits = []              # editMessageText requests that changed a message
        self.answers = []            # answerCallbackQuery texts
        self.messages = {}           # (chat, message_id) -> (text, reply_markup), to refuse no-op edits
        self.poll_generation = 0
        self.message_id = 1
        self.chat_sends = {}         # chat -> [t]
        self.all_sends = []
        self.flood_violations = 0
        self.commands = None
        self.menu_button = None
        self.allowed_updates = None
        self.enforce_flood = True


def error(status, description, parameters=None):
    body = {"ok": False, "error_code": status, "description": description}
    if parameters:
        body["parameters"] = parameters
    return status, body


def ok(result):
    return 200, {"ok": True, "result": result}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body leave in two writes: without TCP_NODELAY, Nagle and the client's
    # delayed ACK add 40 ms to every reply, which no real server does.
    disable_nagle_algorithm = True
    state = None

    def log_message(self, *args):
        pass

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        content_type = self.headers.get("Content-Type") or ""
        if content_type.startswith("multipart/form-data"):
            body = parse_multipart(content_type, raw)
            if body is None:
                return self.reply(*error(400, "Bad Request: can't parse multipart/form-data"))
        else:
            try:
                body = json.loads(raw) if raw else {}
            except ValueError:
                return self.reply(*error(400, "Bad Request: invalid JSON"))
        if self.path.startswith("/control/"):
            return self.reply(*self.control(self.path[len("/control/"):], body))
        m = re.match(r"^/bot([^/]+)/([A-Za-z]+)$", self.path)
        if not m:
            return self.reply(*error(404, "Not Found"))
        token, method = m.group(1), m.group(2)
        s = self.state
        with s.lock:
            logged = {k: (("<%d bytes>" % len(v)) if isinstance(v, bytes) else v) for k, v in body.items()}
            s.requests.append({"method": method, "body": logged, "t": time.time()})
            if token != s.token:
                failure = (401, "Unauthorized", None)
            else:
                queue = s.failures.get(method) or []
                failure = queue.pop(0) if queue else None
            delay = s.delays.get(method, 0)
        if delay:
            time.sleep(delay)
        if failure:
            return self.reply(*error(*failure))
        handler = getattr(self, "api_" + method, None)
        if handler is None:
            return self.reply(*error(404, "Not Found: method not found"))
        return self.reply(*handler(body))

    def reply(self, status, body):
        data = json.dumps(body).encode() if not isinstance(body, bytes) else body
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass    # the client gave up (a cancelled long poll): nothing to answer

    # --- Bot API methods -------------------------------------------------------------

    def api_getMe(self, body):
        return ok(BOT)

    def api_deleteWebhook(self, body):
        with self.state.lock:
            self.state.webhook = None
        return ok(True)

    def api_setMyCommands(self, body):
        commands = body.get("commands")
        if not isinstance(commands, list) or len(commands) > 100:
            return error(400, "Bad Request: commands must be a list of at most 100")
        for c in commands:
            if not COMMAND_NAME.match(str(c.get("command", ""))):
                return error(400, "Bad Request: BOT_COMMAND_INVALID")
            if not 1 <= len(str(c.get("description", ""))) <= 256:
                return error(400, "Bad Request: BOT_COMMAND_DESCRIPTION_INVALID")
        with self.state.lock:
            self.state.commands = commands
        return ok(True)

    def api_setChatMenuButton(self, body):
        button = body.get("menu_button") or {"type": "default"}
        kind = button.get("type")
        if kind == "web_app":
            url = str((button.get("web_app") or {}).get("url", ""))
            # Telegram opens Mini Apps over HTTPS only.
            if not url.startswith("https://"):
                return error(400, "Bad Request: BUTTON_URL_INVALID")
            if not 1 <= len(str(button.get("text", ""))) <= 64:
                return error(400, "Bad Request: BUTTON_TEXT_INVALID")
        elif kind not in ("commands", "default"):
            return error(400, "Bad Request: unsupported menu button type")
        with self.state.lock:
            self.state.menu_button = button
        return ok(True)

    def api_getUpdates(self, body):
        s = self.state
        offset = body.get("offset")
        timeout = min(max(int(body.get("timeout") or 0), 0), 50)
        deadline = time.time() + timeout
        with s.lock:
            if s.webhook:
                return error(409, "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first")
            if "allowed_updates" in body:
                s.allowed_updates = body["allowed_updates"]
            s.poll_generation += 1
            generation = s.poll_generation
            s.lock.notify_all()   # an older poller is terminated by this one
            while True:
                if offset is not None:
                    s.updates = [u for u in s.updates if u[0] >= offset]
                if s.poll_generation != generation:
                    return error(409, "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running")
                ready = s.updates[:100]
                remaining = deadline - time.time()
                if ready or remaining <= 0:
                    break
                s.lock.wait(remaining)
            text = "[" + ",".join(u[1] for u in ready) + "]"
        return 200, ('{"ok":true,"result":%s}' % text).encode()

    def api_sendMessage(self, body):
        s = self.state
        chat = body.get("chat_id")
        text = body.get("text")
        if not isinstance(chat, int):
            return error(400, "Bad Request: chat not found")
        if not isinstance(text, str) or not text:
            return error(400, "Bad Request: message text is empty")
        refused = self.unreachable(chat)
        if refused:
            return refused
        visible, refused = checked_text(text, body.get("parse_mode"), body.get("reply_markup"), 4096, "message is too long")
        if refused:
            return refused
        now = time.time()
        with s.lock:
            refused = self.flood_refusal(chat, now)
            if refused:
                return refused
            message = {"message_id": s.message_id, "date": int(now), "text": visible,
                       "chat": {"id": chat, "type": "private" if chat > 0 else "supergroup"}}
            s.message_id += 1
            s.messages[(chat, message["message_id"])] = (visible, json.dumps(body.get("reply_markup"), sort_keys=True))
            s.sent.append({"chat_id": chat, "text": text, "visible": visible, "parse_mode": body.get("parse_mode"),
                           "reply_markup": body.get("reply_markup"), "t": now, "message_id": message["message_id"],
                           "silent": bool(body.get("disable_notification", False))})
        return ok(message)

    def unreachable(self, chat):
        """403 for a chat that blocked the bot, 400 with the new id for a migrated group."""
        s = self.state
        with s.lock:
            if chat in s.blocked:
                return error(403, "Forbidden: bot was blocked by the user")
            if chat in s.migrated:
                return error(400, "Bad Request: group chat was upgraded to a supergroup chat",
                             {"migrate_to_chat_id": s.migrated[chat]})
        return None

    def flood_refusal(self, chat, now):
        """429 when a message now would break the flood limits, else the send is counted. Hold the lock."""
        s = self.state
        if s.enforce_flood:
            wait = self.flood_wait(chat, now)
            if wait > 0:
                s.flood_violations += 1
                return error(429, "Too Many Requests: retry after %d" % wait, {"retry_after": wait})
        s.chat_sends.setdefault(chat, []).append(now)
        s.all_sends.append(now)
        return None

    def flood_wait(self, chat, now):
        s = self.state
        sends = s.chat_sends.get(chat, [])
        # 5 % slack: a pacer that spaces sends by exactly a second must not be refused for jitter.
        if sends and now - sends[-1] < 0.95:
            return 1
        if chat < 0 and len([t for t in sends if now - t < 60]) >= 20:
            return 60 - int(now - [t for t in sends if now - t < 60][0])
        if len([t for t in s.all_sends[-40:] if now - t < 0.95]) >= 30:
            return 1
        return 0

    def api_sendPhoto(self, body):
        s = self.state
        try:
            chat = int(body.get("chat_id"))
        except (TypeError, ValueError):
            return error(400, "Bad Request: chat not found")
        photo = body.get("photo")
        if not isinstance(photo, bytes):
            return error(400, "Bad Request: there is no photo in the request")
        size = png_size(photo)
        if size is None:
            return error(400, "Bad Request: IMAGE_PROCESS_FAILED")
        width, height = size
        if len(photo) > 10 * 1024 * 1024 or width + height > 10000 or max(width, height) > 20 * min(width, height):
            return error(400, "Bad Request: PHOTO_INVALID_DIMENSIONS")
        markup = None
        if body.get("reply_markup"):
            try:
                markup = json.loads(body["reply_markup"])
            except ValueError:
                return error(400, "Bad Request: can't parse reply keyboard markup JSON object")
        caption = body.get("caption") or ""
        visible, refused = checked_text(caption, body.get("parse_mode"), markup, 1024, "message caption is too long",
                                        may_be_empty=True)
        if refused:
            return refused
        refused = self.unreachable(chat)
        if refused:
            return refused
        now = time.time()
        with s.lock:
            refused = self.flood_refusal(chat, now)
            if refused:
                return refused
            message = {"message_id": s.message_id, "date": int(now), "caption": visible,
                       "photo": [{"file_id": "photo%d" % s.message_id, "width": width, "height": height, "file_size": len(photo)}],
                       "chat": {"id": chat, "type": "private" if chat > 0 else "supergroup"}}
            s.message_id += 1
            s.photos.append({"chat_id": chat, "width": width, "height": height, "bytes": len(photo), "caption": visible,
                             "file_name": body.get("photo_filename"), "png": base64.b64encode(photo).decode(),
                             "message_id": message["message_id"], "reply_markup": markup})
            s.sent.append({"chat_id": chat, "text": caption, "visible": visible, "parse_mode": body.get("parse_mode"),
                           "reply_markup": markup, "t": now, "message_id": message["message_id"], "silent": False,
                           "photo": True})
        return ok(message)

    def api_answerCallbackQuery(self, body):
        with self.state.lock:
            self.state.answers.append({"id": body.get("callback_query_id"), "text": body.get("text")})
        return ok(True)

    def api_editMessageText(self, body):
        s = self.state
        chat, message_id, text = body.get("chat_id"), body.get("message_id"), body.get("text") or ""
        visible, refused = checked_text(text, body.get("parse_mode"), body.get("reply_markup"), 4096, "MESSAGE_TOO_LONG")
        if refused:
            return refused
        markup = json.dumps(body.get("reply_markup"), sort_keys=True)
        with s.lock:
            if s.messages.get((chat, message_id)) == (visible, markup):
                return error(400, "Bad Request: message is not modified: specified new message content and reply markup "
                                  "are exactly the same as a current content and reply markup of the message")
            s.messages[(chat, message_id)] = (visible, markup)
            s.edits.append({"chat_id": chat, "message_id": message_id, "text": text, "visible": visible,
                            "reply_markup": body.get("reply_markup"), "t": time.time()})
        return ok({"message_id": message_id, "date": int(time.time()), "text": visible,
                   "chat": {"id": chat, "type": "private"}})

    # --- Control ---------------------------------------------------------------------

    def control(self, action, body):
        s = self.state
        with s.lock:
            if action == "push":
                ids = []
                for item in body.get("updates", []):
                    if "update_id" in item:
                        s.next_update_id = max(s.next_update_id, int(item["update_id"]))
                    uid = int(item.pop("update_id", s.next_update_id))
                    s.next_update_id = uid + 1
                    if "raw" in item:                      # content written verbatim (malformed tests)
                        text = '{"update_id":%d,%s}' % (uid, item["raw"])
                    else:
                        text = json.dumps(dict(update_id=uid, **self.build(item, uid)))
                    s.updates.append((uid, text))
                    ids.append(uid)
                s.lock.notify_all()
                return ok(ids)
            if action == "fail":
                entry = (int(body["status"]), body.get("description", "Error"), body.get("parameters"))
                s.failures.setdefault(body["method"], []).extend([entry] * int(body.get("count", 1)))
                return ok(True)
            if action == "clear":                          # forget queued failures and delays
                s.failures.clear()
                s.delays.clear()
                return ok(True)
            if action == "delay":
                s.delays[body["method"]] = float(body.get("seconds", 0))
                return ok(True)
            if action == "webhook":
                s.webhook = body.get("url")
                return ok(True)
            if action == "block":
                s.blocked.add(int(body["chat"]))
                return ok(True)
            if action == "unblock":
                s.blocked.discard(int(body["chat"]))
                return ok(True)
            if action == "migrate":
                s.migrated[int(body["chat"])] = int(body["to"])
                return ok(True)
            if action == "flood":
                s.enforce_flood = bool(body.get("enforce", True))
                return ok(True)
            if action == "requests":
                return ok(s.requests)
            if action == "sent":
                return ok(s.sent)
            if action == "photos":
                return ok(s.photos)
            if action == "edits":
                return ok(s.edits)
            if action == "answers":
                return ok(s.answers)
            if action == "state":
                return ok({"pending": [u[0] for u in s.updates], "webhook": s.webhook, "commands": s.commands, "menu_button": s.menu_button,
                           "allowed_updates": s.allowed_updates, "flood_violations": s.flood_violations})
            if action == "reset":
                s.reset()
                return ok(True)
        return error(404, "Not Found: unknown control action")

    @staticmethod
    def build(item, uid):
        """Shorthands: {"text", "user", "chat"} for a message, {"callback": {...}} for a button."""
        if "callback" in item:
            c = item["callback"]
            user = {"id": c["user"], "is_bot": False, "first_name": "user%d" % c["user"]}
            chat = c.get("chat", c["user"])
            return {"callback_query": {
                "id": "cb%d" % uid, "from": user, "chat_instance": "1", "data": c["data"],
                "message": {"message_id": c.get("message_id", 1), "date": int(time.time()),
                            "chat": {"id": chat, "type": "private" if chat > 0 else "supergroup"}}}}
        if "text" in item or "migrate_to_chat_id" in item:
            chat = item.get("chat", item.get("user"))
            message = {"message_id": uid, "date": int(time.time()),
                       "chat": {"id": chat, "type": "private" if chat > 0 else "supergroup"}}
            if "user" in item:
                message["from"] = {"id": item["user"], "is_bot": False, "first_name": "user%d" % item["user"]}
            if "text" in item:
                message["text"] = item["text"]
            if "migrate_to_chat_id" in item:
                message["migrate_to_chat_id"] = item["migrate_to_chat_id"]
            return {"message": message}
        return {k: v for k, v in item.items()}


class QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        # A client hanging up (a cancelled long poll, a killed alfa) is what the real server sees too.
        if not isinstance(sys.exc_info()[1], (ConnectionResetError, BrokenPipeError)):
            super().handle_error(request, client_address)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--token", required=True)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--exit-with-parent", action="store_true",
                        help="exit when the parent process dies (tests, benchmarks)")
    args = parser.parse_args()
    Handler.state = State(args.token)
    server = QuietServer(("127.0.0.1", args.port), Handler)
    loopback.serve(server, args.exit_with_parent)


if __name__ == "__main__":
    main()
