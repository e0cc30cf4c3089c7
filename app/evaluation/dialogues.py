"""The order-status bot measured on scripted dialogues (eval/datasets/bot_dialogues.jsonl).

Each dialogue is a list of customer messages played through the bot's own ``respond`` (the
service's flow: after a hand-off the agents have the chat and the bot says nothing more),
with what must happen:

- ``expect.status``: the order state the bot must state once the customer is verified, checked
  as the exact status sentence of the replies file for that state and the dialogue's language,
  formatted with ``expect.order`` (null: no status is required);
- no leak, ever: a reply may hold a fact of an order (its status sentence in any state and
  language, carrier, tracking number, customer name, e-mail, postcode, items) only once the
  customer has typed that order's e-mail address or postcode (or the channel identity is
  linked to its e-mail), and never a fact the customer had not typed himself before that;
- ``expect.handoff``: some turn hands the chat to a person, exactly when expected;
- ``expect.locked``: the session ends locked, exactly when expected.

Optional fields of a dialogue: ``start_language`` (the language the session starts in, as the
web chat passes the page's; default the dialogue's language), ``market``, ``linked_emails``.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from app.bot.dialogue import BotKit, BotState, Replies, Turn, respond
from app.errors import AppError
from app.evaluation.metrics import share
from app.orders.numbers import find_order_numbers
from app.orders.ports import ORDER_STATES, Order

TARGETS = {"right_status": 0.98, "leaks": 0, "handoff_as_expected": 0.95,
           "locked_as_expected": 1.0}
_EDGE = "(?<![0-9A-Za-z]){}(?![0-9A-Za-z])"
_CJK = re.compile(r"[\u3040-\u9fff]")


@dataclass(frozen=True)
class Expect:
    status: str | None
    order: str | None
    handoff: bool
    locked: bool


@dataclass(frozen=True)
class Dialogue:
    id: str
    language: str
    channel: str
    kind: str
    turns: tuple[str, ...]
    expect: Expect
    start_language: str
    market: str | None = None
    linked_emails: frozenset[str] = frozenset()


@dataclass
class DialogueScore:
    id: str
    kind: str
    language: str
    right_status: bool | None  # None: no status expected
    handoff: bool
    handoff_ok: bool
    locked: bool
    locked_ok: bool
    leaks: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    transcript: list[dict] = field(default_factory=list)


def load_dialogues(path: Path) -> list[Dialogue]:
    """The dialogues of a JSON Lines file; an error names the file, the line and the field."""
    if not path.is_file():
        raise AppError(f"{path}: no such file", 422)
    dialogues = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if line.strip():
            dialogues.append(_dialogue(path, number, line))
    ids = Counter(d.id for d in dialogues)
    if dupes := [i for i, n in ids.items() if n > 1]:
        raise AppError(f"{path}: duplicate ids {', '.join(sorted(dupes))}", 422)
    return dialogues


def _dialogue(path: Path, number: int, line: str) -> Dialogue:
    try:
        raw = json.loads(line)
    except json.JSONDecodeError as exc:
        raise AppError(f"{path} line {number}: not JSON: {exc.msg}", 422) from exc
    return parse_dialogue(raw, f"{path} line {number}")


def parse_dialogue(raw: dict, where: str) -> Dialogue:
    """One dialogue from its JSON object; an error starts with ``where`` and names the
    field."""
    def bad(problem: str) -> AppError:
        return AppError(f"{where}: {problem}", 422)

    try:
        expect = raw["expect"]
        turns = tuple(str(t) for t in raw["turns"])
        status = expect.get("status")
        result = Dialogue(
            str(raw["id"]), raw["language"], raw.get("channel") or "web_chat",
            raw.get("kind") or "other", turns,
            Expect(status, expect.get("order"), bool(expect["handoff"]),
                   bool(expect["locked"])),
            raw.get("start_language") or raw["language"], raw.get("market"),
            frozenset(e.casefold() for e in raw.get("linked_emails") or ()))
    except (KeyError, TypeError, AttributeError) as exc:
        raise bad(f"missing or malformed field {exc}") from exc
    if not turns:
        raise bad("turns: at least one customer message")
    if status is not None and (status not in ORDER_STATES or not result.expect.order):
        raise bad(f"expect.status {status!r}: a state of ORDER_STATES, with expect.order")
    return result


def play(dialogue: Dialogue, kit: BotKit) -> list[Turn]:
    """The bot's turns for the dialogue's messages, as the bot service runs them: once a turn
    hands the chat over, later messages go to the agents and the bot stays silent."""
    state = BotState(language=dialogue.start_language)
    turns = []
    for text in dialogue.turns:
        turn = (Turn("", state) if state.step == "handed_off"
                else respond(state, text, kit, dialogue.linked_emails))
        turns.append(turn)
        state = turn.state
    return turns


def score(dialogue: Dialogue, turns: list[Turn], replies: Replies,
          find: Callable[[str], Order | None]) -> DialogueScore:
    expect = dialogue.expect
    handoff = any(t.handoff for t in turns)
    locked = turns[-1].state.step == "locked"
    result = DialogueScore(dialogue.id, dialogue.kind, dialogue.language,
                           _right_status(dialogue, turns, replies), handoff,
                           handoff == expect.handoff, locked, locked == expect.locked,
                           leaks=_leaks(dialogue, turns, replies, find),
                           transcript=_transcript(dialogue, turns))
    if result.right_status is False:
        result.failures.append(f"status {expect.status} of {expect.order} not stated")
    result.failures += [f"leak: {leak}" for leak in result.leaks]
    if not result.handoff_ok:
        result.failures.append(f"hand-off {handoff}, expected {expect.handoff}")
    if not result.locked_ok:
        result.failures.append(f"locked {locked}, expected {expect.locked}")
    return result


def status_sentence(replies: Replies, language: str, state: str, number: str) -> str:
    return replies.get(language)["status"][state].format(number=number)


def _right_status(dialogue: Dialogue, turns: list[Turn], replies: Replies) -> bool | None:
    expect = dialogue.expect
    if expect.status is None:
        return None
    sentence = status_sentence(replies, dialogue.language, expect.status, expect.order)
    return any(sentence in t.reply for t in turns)


def _leaks(dialogue: Dialogue, turns: list[Turn], replies: Replies,
           find: Callable[[str], Order | None]) -> list[str]:
    """Facts of the orders the dialogue names, in a reply before the customer proved the
    order, or that the customer had not typed (for an order he never proved)."""
    found = []
    for number in _numbers(dialogue):
        order = find(number)
        facts = _facts(number, order, replies)
        for n, turn in enumerate(turns):
            typed = _customer_text(dialogue, n)
            if order is not None and _proved(order, typed, dialogue.linked_emails):
                break
            found += [f"turn {n + 1}: {kind} of {number} ({value!r})" for kind, value in facts
                      if _contains(turn.reply, value) and not _contains(typed, value)]
    return found


def _numbers(dialogue: Dialogue) -> list[str]:
    numbers = [n for text in dialogue.turns for n in find_order_numbers(text)]
    if dialogue.expect.order:
        numbers.append(dialogue.expect.order)
    return list(dict.fromkeys(numbers))


def _customer_text(dialogue: Dialogue, upto: int) -> str:
    return "\n".join(dialogue.turns[:upto + 1])


def _facts(number: str, order: Order | None, replies: Replies) -> list[tuple[str, str]]:
    """What must not be said of an order before its customer is verified."""
    facts = [("status sentence", replies.get(language)["status"][state].format(number=number))
             for language in replies.languages for state in ORDER_STATES]
    if order is None:
        return facts
    for shipment in order.shipments:
        facts += [("carrier", shipment.carrier), ("tracking number", shipment.tracking_number)]
    facts += [("item", item.title) for item in order.items]
    facts += [("name", part) for part in _name_parts(order.customer_name)]
    facts += [(kind, value) for kind, value in (("email", order.email),
                                                ("postcode", order.postcode)) if value]
    return facts


def _name_parts(name: str | None) -> list[str]:
    """The whole name and each part long enough to be telling (a CJK part of two)."""
    if not name:
        return []
    parts = [p for p in name.split() if len(p) >= 4 or (_CJK.search(p) and len(p) >= 2)]
    return list(dict.fromkeys([name, *parts]))


def _proved(order: Order, typed: str, linked: frozenset[str]) -> bool:
    """The customer typed the order's e-mail or postcode (any spacing or case), or the
    channel identity is linked to its e-mail."""
    if order.email and order.email.casefold() in linked:
        return True
    return any(_contains(typed, value) for value in (order.email, order.postcode) if value)


def _contains(text: str, value: str) -> bool:
    """``value`` in ``text`` as a whole token, ignoring case, width and inner spacing."""
    text, value = _fold(text), _fold(value)
    pattern = r"\s*".join(re.escape(ch) for ch in value if not ch.isspace())
    return bool(pattern) and re.search(_EDGE.format(pattern), text) is not None


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


def _transcript(dialogue: Dialogue, turns: list[Turn]) -> list[dict]:
    return [{"customer": text, "bot": turn.reply, "step": turn.state.step,
             "handoff": turn.handoff} for text, turn in zip(dialogue.turns, turns, strict=True)]


def evaluate(dialogues: list[Dialogue], kit_for: Callable[[Dialogue], BotKit],
             replies: Replies, find: Callable[[str], Order | None]) -> dict:
    """Every dialogue through the bot, scored, summed up against the targets."""
    scores = [score(d, play(d, kit_for(d)), replies, find) for d in dialogues]
    return {"replies": replies.tag, **summarize(scores)}


def dialogue_rows(rows: list[dict], kit_for: Callable[[Dialogue], BotKit], replies: Replies,
                  find: Callable[[str], Order | None]) -> list[dict]:
    """The suites' batch function (app/evalrun.py): each row (a dialogue object) played
    through the bot and scored, as a plain dict of its ``DialogueScore``."""
    out = []
    for row in rows:
        dialogue = parse_dialogue(row, f"dialogue {row.get('id')}")
        out.append(asdict(score(dialogue, play(dialogue, kit_for(dialogue)), replies, find)))
    return out


def summarize(scores: list[DialogueScore]) -> dict:
    figures = _figures(scores)
    met = {k: _meets(k, v) for k, v in figures.items()}
    return {"n": len(scores), "answerable": sum(s.right_status is not None for s in scores),
            **figures, "targets": TARGETS, "targets_met": met, "met": all(met.values()),
            "by_kind": _breakdown(scores, "kind"), "by_language": _breakdown(scores, "language"),
            "failures": [{"id": s.id, "kind": s.kind, "language": s.language,
                          "failures": s.failures, "transcript": s.transcript}
                         for s in scores if s.failures]}


def _figures(scores: list[DialogueScore]) -> dict:
    answerable = [s.right_status for s in scores if s.right_status is not None]
    return {"right_status": share(sum(answerable), len(answerable)),
            "leaks": sum(bool(s.leaks) for s in scores),
            "handoff_as_expected": share(sum(s.handoff_ok for s in scores), len(scores)),
            "locked_as_expected": share(sum(s.locked_ok for s in scores), len(scores))}


def _meets(key: str, value: float) -> bool:
    return value <= TARGETS[key] if key == "leaks" else value >= TARGETS[key]


def _breakdown(scores: list[DialogueScore], key: str) -> dict[str, dict]:
    groups: dict[str, list[DialogueScore]] = {}
    for s in scores:
        groups.setdefault(getattr(s, key), []).append(s)
    return {name: {"n": len(group), "passed": share(sum(not s.failures for s in group),
                                                     len(group)), **_figures(group)}
            for name, group in sorted(groups.items())}


def report_lines(result: dict) -> list[str]:
    """The result as plain text: the figures against their targets, the breakdowns, and each
    failing dialogue with its transcript."""
    lines = [f"bot dialogues: {result['n']} ({result['answerable']} answerable), replies "
             f"{result['replies']}"]
    for key, target in TARGETS.items():
        word = "met" if result["targets_met"][key] else "NOT met"
        sign = "<=" if key == "leaks" else ">="
        lines.append(f"  {key:20} {result[key]!s:>7}   target {sign} {target}   {word}")
    for key in ("by_kind", "by_language"):
        lines.append(f"{key}:")
        lines += [f"  {name:22} n {g['n']:3}  passed {g['passed']:.2f}  status "
                  f"{g['right_status']:.2f}  leaks {g['leaks']}  hand-off "
                  f"{g['handoff_as_expected']:.2f}  locked {g['locked_as_expected']:.2f}"
                  for name, g in result[key].items()]
    for failure in result["failures"]:
        lines.append(f"FAILED {failure['id']} ({failure['kind']}, {failure['language']}): "
                     + "; ".join(failure["failures"]))
        lines += [line for turn in failure["transcript"] for line in _turn_lines(turn)]
    return lines


def _turn_lines(turn: dict) -> list[str]:
    handoff = f", hand-off: {turn['handoff']}" if turn["handoff"] else ""
    return [f"    customer: {turn['customer']}",
            f"    bot:      {turn['bot']!r}  [{turn['step']}{handoff}]"]
