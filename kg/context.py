"""ConText for one mention: is it denied, uncertain, someone else's, or past history?

The ConText idea (Harkema et al., after NegEx) at its simplest: a trigger phrase governs
the words after it (or, for a following trigger, before it) up to a window of words, within
the same clause. Four properties, each with the trigger words kept as provenance:

- negated: "no", "not", "without", "absence of", "negative for", "denied", "free of",
  "ruled out" before the words; "was ruled out", "was excluded", "was negative", "was not
  seen" after them. Pseudo-triggers ("no change", "not only", "not ruled out") govern
  nothing.
- uncertain: "possible", "probable", "suspected", "suspicion of", "likely", "may", "might",
  "to rule out", "differential diagnosis", "versus", "concern for" before; "was
  suspected", "could not be excluded", "cannot be ruled out" after. "To rule out X" is a
  question, not a finding that X is absent.
- experiencer: "family" when "family history of", "his mother", "her father"... govern
  the words; otherwise "patient".
- historical: "history of", "previously", "prior", "past", "known", "underlying" before;
  "years ago" after.

A clause ends at ";", ":", ".", a parenthesis, or "but", "however", "although", "which",
"who", "except", "whereas", and at the verbs that turn to the presentation ("complaining",
"presented", "admitted"). A plain comma does not end it, so "denied fever, chills or night
sweats" denies all three; a comma does when a new subject starts ("he", "she", "there", "the
patient"), and when the next item carries its own result word ("elevated", "increased",
"positive"...) with no "or" still ahead: "no sign of hemolysis, elevated C-reactive protein"
denies only hemolysis, "no fever, decreased appetite or weight loss" all three.
Modalities and anatomy are never negated or uncertain: "not seen on chest CT" denies the
finding, not the CT.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

Experiencer = Literal["patient", "family"]

WINDOW = 6
"""Words a trigger reaches past (NegEx uses five; lists of findings need one more)."""

_NEGATION_BEFORE = re.compile(
    r"\b(?:no|not|without|absence\s+of|absent|negative\s+for|free\s+of|"
    r"(?<!to\s)rule[sd]?\s+out|ruling\s+out|denie[sd]|deny(?:ing)?|never|neither|nor|"
    r"no\s+evidence\s+of|no\s+signs?\s+of|resolution\s+of)\b",
    re.IGNORECASE,
)
_NEGATION_AFTER = re.compile(
    r"^[\s,]*(?:(?:was|were|is|are|had\s+been|has\s+been|have\s+been)\s+)?"
    r"(?:ruled\s+out|excluded|negative|absent|not\s+(?:seen|found|detected|present|observed)|"
    r"resolved|unlikely)\b",
    re.IGNORECASE,
)
_PSEUDO = re.compile(
    r"\b(?:no\s+(?:significant\s+)?(?:change|increase|decrease|further|longer|improvement)|"
    r"not\s+only|not\s+so|not\s+certain|not\s+necessarily|not\s+well|not\s+been\s+ruled\s+out|"
    r"not\s+ruled\s+out|not\s+be\s+(?:ruled\s+out|excluded)|without\s+difficulty|"
    r"gram[\s-]negative|no\s+other)\b",
    re.IGNORECASE,
)
_UNCERTAIN_BEFORE = re.compile(
    r"\b(?:possibl[ey]|probabl[ey]|suspect(?:ed)?|suspicion\s+(?:of|for)|suspicious\s+(?:of|for)|"
    r"likely|may|might|could|questionable|presumed|presumptive|to\s+rule\s+out|"
    r"rule\s+out|r/o|differential\s+diagnos[ie]s|concern\s+for|consider(?:ed)?|"
    r"versus|vs\.?|or\s+possibly|cannot\s+(?:be\s+)?(?:ruled\s+out|excluded)|"
    r"evaluat(?:e|ed|ion)\s+(?:for|of))\b",
    re.IGNORECASE,
)
_UNCERTAIN_AFTER = re.compile(
    r"^[\s,]*(?:(?:was|were|is|are)\s+)?(?:suspected|considered|possible|probable|likely|"
    r"(?:could|can)\s*not\s+be\s+(?:ruled\s+out|excluded)|questionable)\b",
    re.IGNORECASE,
)
_FAMILY = re.compile(
    r"\b(?:family\s+(?:history|member)s?(?:\s+of)?|(?:his|her|their|the\s+patient's)\s+"
    r"(?:mother|father|brother|sister|son|daughter|parents?|siblings?|sibling|"
    r"grand(?:mother|father|parents?)|aunt|uncle|cousin|relatives?|twin))\b",
    re.IGNORECASE,
)
_HISTORY_BEFORE = re.compile(
    r"\b(?:history\s+of|h/o|previously|previous|prior|past|known|underlying|pre-?existing|"
    r"(?:had|has)\s+(?:had|been\s+diagnosed\s+with)|diagnosed\s+\w+\s+years?\s+ago)\b",
    re.IGNORECASE,
)
_HISTORY_AFTER = re.compile(
    r"^[\s,]*(?:\w+\s+){0,3}?(?:\d+|several|many|two|three|four|five)\s+years?\s+(?:ago|earlier|"
    r"before)\b",
    re.IGNORECASE,
)
_CLAUSE_BREAK = re.compile(
    r"[;:.()\[\]]|\b(?:but|however|although|though|which|who|except|whereas|while|"
    r"complain\w*|present(?:ed|ing|s)|admitted)\b|"
    r",\s*(?:and\s+)?(?=(?:he|she|they|it|there|we|the\s+patient)\b)",
    re.IGNORECASE,
)
_RESULT_ITEM = re.compile(
    r",\s*(?:(?:and|with)\s+)?(?=(?:elevated|increased|raised|decreased|reduced|diminished|"
    r"positive|abnormal|marked(?:ly)?|significant(?:ly)?)\b)",
    re.IGNORECASE,
)
"""A list item with its own result word: it ends a denial ("no hemolysis, elevated CRP")
unless "or" still lies ahead in the clause, as in a denied list ("no fever, decreased
appetite or weight loss")."""
_DENIED_LIST = re.compile(r"\b(?:or|nor)\b", re.IGNORECASE)
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Context:
    """What the words around a mention say of it, and the words that say so."""

    negated: bool = False
    uncertain: bool = False
    experiencer: Experiencer = "patient"
    historical: bool = False
    cues: tuple[str, ...] = ()


PLAIN = Context()


def mention_context(text: str, start: int, end: int, *, finding: bool = True) -> Context:
    """The context of the words ``text[start:end]`` in their sentence.

    ``finding`` is False for words that name no finding (a modality, a body part): those
    are never negated or uncertain, only someone else's or past.
    """
    before = text[:start]
    clause_before = before[_last_break(before) :]
    after = text[end:]
    clause_after = after[: _first_break(after)]
    clause = clause_before + text[start:end] + clause_after
    clause_before = clause_before[_last_result_item(clause, len(clause_before)) :]
    clause_before = clause_before[_new_clause(clause_before, clause_after) :]
    cues: list[str] = []
    negated = uncertain = False
    if finding:
        uncertain_cue = _governing(_UNCERTAIN_BEFORE, clause_before) or _following(
            _UNCERTAIN_AFTER, clause_after
        )
        negation_cue = _governing(_NEGATION_BEFORE, clause_before) or _following(
            _NEGATION_AFTER, clause_after
        )
        if uncertain_cue and re.search(r"rule", uncertain_cue, re.IGNORECASE):
            negation_cue = None
        negated, uncertain = negation_cue is not None, uncertain_cue is not None
        cues += [c for c in (negation_cue, uncertain_cue) if c]
    family = _governing(_FAMILY, clause_before, window=WINDOW + 4)
    history = _governing(_HISTORY_BEFORE, clause_before) or _following(_HISTORY_AFTER, clause_after)
    cues += [c for c in (family, history) if c]
    return Context(
        negated=negated,
        uncertain=uncertain,
        experiencer="family" if family else "patient",
        historical=history is not None,
        cues=tuple(cues),
    )


def _governing(pattern: re.Pattern[str], clause: str, window: int = WINDOW) -> str | None:
    """The last trigger of ``pattern`` in the clause within ``window`` words of its end."""
    for trigger in reversed(list(pattern.finditer(clause))):
        if _PSEUDO.match(clause, trigger.start()) or _pseudo_around(clause, trigger):
            continue
        if len(_WORD.findall(clause[trigger.end() :])) <= window:
            return " ".join(trigger.group().split())
        return None
    return None


def _pseudo_around(clause: str, trigger: re.Match[str]) -> bool:
    """A trigger inside a pseudo-trigger that starts before it ("not ruled out")."""
    return any(
        p.start() < trigger.start() < p.end() for p in _PSEUDO.finditer(clause, 0, trigger.end())
    )


def _following(pattern: re.Pattern[str], clause: str) -> str | None:
    found = pattern.match(clause)
    return " ".join(found.group().strip(" ,").split()) if found else None


def _last_result_item(clause: str, mention: int) -> int:
    """Where the last list item with its own result word starts before ``mention`` (the
    mention's offset in ``clause``), when no "or" follows it in the clause."""
    items = [i for i in _RESULT_ITEM.finditer(clause) if i.start() < mention]
    if not items or _DENIED_LIST.search(clause, items[-1].end()):
        return 0
    return min(items[-1].end(), mention)


_VERB = (
    r"(?:was|were|is|are|had|has|have|showed|shows|revealed|reveals|demonstrated|noted|found|"
    r"developed|complained|underwent|presented|detected|identified|appeared|became|remained|"
    r"began|started|required|received)"
)
_VERB_RE = re.compile(rf"\b{_VERB}\b", re.IGNORECASE)
_OWN_VERB = re.compile(
    rf"^\s*{_VERB}\b(?!\s+(?:not|no|absent|negative|excluded|ruled|unremarkable)\b)", re.IGNORECASE
)
_COORDINATOR = re.compile(r",\s*(?:and\s+)?|\band\s+", re.IGNORECASE)


def _new_clause(before: str, after: str) -> int:
    """Where a coordinated clause with a verb of its own starts before the mention: "she
    denied headache, and examination revealed papilledema", "CT showed no pneumothorax and
    revealed an effusion", or, when the denial's clause has its verb already, "there was no
    fever and a mass was found" (the mention's own verb after it). "No fever and chills
    were noted" stays one denial: its verb is the negated subject's."""
    cut = 0
    for coordinator in _COORDINATOR.finditer(before):
        if _VERB_RE.search(before, coordinator.end()) or (
            _VERB_RE.search(before, 0, coordinator.start()) and _OWN_VERB.match(after)
        ):
            cut = coordinator.end()
    return cut


def _last_break(text: str) -> int:
    end = 0
    for found in _CLAUSE_BREAK.finditer(text):
        end = found.end()
    return end


def _first_break(text: str) -> int:
    found = _CLAUSE_BREAK.search(text)
    return found.start() if found else len(text)
