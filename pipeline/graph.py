"""The citation graph: every reference resolved to a letter in the store or to
an external node, plus the edges a reference's own description states.

Flow: file -> reader -> text -> field parsers -> records -> store ->
**graph**/tasks -> exports. `resolve_store` keeps the `nodes`, `edges` and
`reference_links` tables in step with `letters` and `citations` after every
ingest: it resolves again only what the letters added, removed or replaced
since the last resolution can reach (`pipeline/graph_update.py`), and the
tables it leaves are exactly those a full rebuild gives, so the order of
ingestion never changes the result.

Edges point from the citing document to the cited one. Resolution is by
identity (DOMAIN.md §2): the canonical number+symbol, then issuer and year
when known; a reference without an issuer uses the issuer its symbol implies
and is linked only when exactly one letter fits. A reference without a number
(`Công điện của Thủ tướng Chính phủ chấn chỉnh ...`) is linked when exactly one
letter or external node of the same type and issuer fits by subject overlap and
is older than the citing text, sharing at least one of the reference's rare
subject words. Lookups go through a canonical-key index and a subject-word
index blocked by (doc type, issuer) that is read only for rare words, so the
work per reference is bounded and the whole grows with the number of
references, not with the corpus times it (benchmarks/bench_ingest.py --graph).

Four steps (`_build_graph`): (1) numbered references to letters by number
key, issuer and year; a letter with no date of its own takes the one its
citers give it; (2) numbered references to documents outside the store, one
external node per identity; (3) unnumbered references by subject words
(`_SubjectBlocks`, `read_plan`); (4) edges and citation counts.

What a change can reach, and why resolving only that is exact
------------------------------------------------------------
A change is a set of letters added, removed or replaced (a replaced letter is
its old version removed and its new one added).

- Steps 1-2 by number key. Everything about key K (the links of references
  with key K, the dates letters with key K take from their citers, the
  external nodes of K) is a function of the letters with key K and the
  references with key K alone (the citing letter counts only when it has key
  K itself, as a `self` link). So the keys of the changed letters and of
  their numbered references, before and after, are resolved again whole, in
  the same order and with the same code as a full build; no other key can
  change.
- Step 3 by subject. Reference u's outcome is a function of its own row, its
  letter's date and sibling references (fixed while its letter is), and of
  the nodes that sit in a block compatible with u (same type, issuer
  compatible) and share a word with u, with their words, dates and labels.
  Of these it reads only the postings of its read words R(u) (`read_plan`);
  document frequencies matter only through R(u), and through whether a read
  word occurs at all (the reason an unresolved reference gives). With R(u)
  a gap key g(u) is stored: every read word's key (df, word) is below g(u),
  every other word's at or above it. While that holds, `read_plan` picks
  R(u) again: g(u) is at most (`_RARE_DF` + 1, "") when R(u) are rare words
  (so they stay rare; when R(u) is the whole prefix, the others stay
  after it; when fewer, the others stay common), above it when R(u) is the
  one fallback word (so no word turns rare but it, and it stays the least
  and under `_RAREST_DF` + 1), and (`_RAREST_DF` + 1, "") when nothing is
  read (every df stays over `_RAREST_DF`). A changed node (added, removed,
  or with other words, date, label, type or issuer) touches word w of u when
  one of its versions, before or after, sits in a block compatible with u
  and holds w. u is resolved again when, for some touched word w: w is read
  and its new key reaches g(u), or its df passed between zero and non-zero;
  or w is not read and its new key falls below g(u); or w is read and the
  changed node shares enough words with u to fit it (`overlap_fits`), before
  or after. Otherwise the gap still parts the words (untouched words kept
  their keys), so R(u) is unchanged, the changed nodes in its postings fit
  it neither before nor after, and every other node there is unchanged: the
  outcome is unchanged, and g(u) stays a valid gap (a full rebuild stores
  the tightest one; an incremental resolution keeps one while it holds).
  Step 3 feeds nothing back: `u:` nodes are never indexed, subject links
  date nothing, so there is no cascade.
- Step 4. An edge (src, dst) is the first, in (letter, reference, position)
  order, of the contributions with the highest (relation rank, confidence):
  a letter to its reference's node, and a reference's node to a sibling's
  where the description states a relation. A letter's contributions depend
  on its references and their links only. So the pairs to fold again are the
  old edges won by letters whose links changed and the pairs those letters
  contribute now (dropping a contribution that did not win changes no
  winner); each is folded over all its contributions in the store.
  `n_cited` is a count of links, recounted for the nodes whose links changed.

Tests (tests/test_graph_incremental.py) ingest synthetic and real letters in
random orders, splits, removals and replacements and compare every graph
table, and the stored lookup state, with one full rebuild.
"""
from __future__ import annotations

import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import regex

from congvan.parsers.fields.lines import fold_accents
from congvan.parsers.keys import issuer_key, number_key

if TYPE_CHECKING:
    import duckdb
    import networkx

    from congvan.pipeline.graph_update import Resolution

_WORD = regex.compile(r"[\p{L}\p{N}]+")
_SYMBOL_YEAR = regex.compile(r"(?:^|[/-])((?:19|20)\d\d)[/-]")
# Words that say nothing about what a document is about.
_STOP = frozenset(
    "của và các về việc số ngày năm tháng trong với theo cho tại đến được là những này đã có một để đối từ "
    "trên thì bị do ra vào như nhằm sau trước khi".split()
)
# A subject word in more documents of one type and issuer than this says what a
# document is about (`phòng`, `chống`, `dịch`), not which one it is: it is not
# used to find candidates. 50 kept the most right links on the 100k benchmark
# (fewer ties among documents alike only in common words) at a quarter of 200's work.
_RARE_DF = 50
# A reference whose every word is a topic word is looked up by its rarest one, unless
# even that is in more documents than this: then it is too generic to single one out.
_RAREST_DF = 500
_RELATION_RANK = {"mentions": 0}


def issuers_compatible(a: str | None, b: str | None) -> bool:
    """Unknown fits anything; otherwise one name's words contain the other's
    (`so cong thuong` fits `so cong thuong khanh hoa`)."""
    if not a or not b:
        return True
    ta, tb = set(a.split()), set(b.split())
    return ta <= tb or tb <= ta


def subject_tokens(text: str | None) -> frozenset[str]:
    if not text:
        return frozenset()
    # Stop words are matched with their accents: `tại` is one, `tai` (thiên tai) is not.
    words = (t for t in _WORD.findall(unicodedata.normalize("NFC", text).casefold()) if t not in _STOP)
    return frozenset(fold_accents(w) for w in words if not w.isdigit())


def date_le(a: str | None, b: str | None) -> bool:
    """a is not after b, compared at the precision both are known to."""
    if not a or not b:
        return True
    n = min(len(a), len(b))
    return a[:n] <= b[:n]


@lru_cache(maxsize=65536)
def symbol_year(symbol: str | None) -> int | None:
    m = _SYMBOL_YEAR.search(symbol or "")
    return int(m.group(1)) if m else None


@lru_cache(maxsize=65536)
def _implied_issuer(symbol: str | None) -> str | None:
    if not symbol:
        return None
    from congvan.parsers.fields.numbers import split_symbol

    return split_symbol(symbol)[1]


def _doc_type_key(doc_type: str | None) -> str | None:
    return fold_accents(doc_type) if doc_type else None


@dataclass
class Node:
    node_id: str
    in_corpus: bool
    letter_id: str | None = None
    doc_type: str | None = None
    number: str | None = None
    symbol: str | None = None
    number_key: str | None = None
    issuer: str | None = None
    issuer_key: str | None = None
    date: str | None = None
    year: int | None = None
    subject: str | None = None
    tokens: frozenset[str] = frozenset()
    n_cited: int = 0

    def label(self) -> str:
        kind = self.doc_type or "Văn bản"
        if self.number and self.symbol:
            return f"{kind} {self.number}/{self.symbol}"
        who = f" của {self.issuer}" if self.issuer else ""
        when = f" ({self.date})" if self.date else ""
        return f"{kind} không số{who}{when}"

    def row(self) -> dict[str, Any]:
        return {
            "node_id": self.node_id, "in_corpus": self.in_corpus, "letter_id": self.letter_id,
            "doc_type": self.doc_type, "number": self.number, "symbol": self.symbol,
            "number_key": self.number_key, "issuer": self.issuer, "date": self.date, "year": self.year,
            "subject": self.subject, "label": self.label(), "n_cited": self.n_cited,
        }


@dataclass(frozen=True)
class Plan:
    """An unnumbered reference's subject lookup: its words, the words it reads (`read_plan`)
    and a gap key (`gap_df`, `gap_word`) with the keys (df, word) of the words read below
    it and those of the other words at or above it."""

    tkey: str
    ikey: str | None
    tokens: frozenset[str]
    read: tuple[str, ...]
    gap_df: int
    gap_word: str


@dataclass
class Link:
    node_id: str
    method: str
    confidence: float
    evidence: str


@dataclass
class Graph:
    nodes: dict[str, Node] = field(default_factory=dict)
    edges: list[dict[str, Any]] = field(default_factory=list)
    links: list[dict[str, Any]] = field(default_factory=list)
    # How each unnumbered reference looked its subject up: kept in the store so that
    # an incremental resolution knows which references a changed node can reach.
    plans: dict[tuple[str, int], Plan] = field(default_factory=dict)


_REF_NUMBER_DATE = regex.compile(r"^\s*(?:số\s*\S+\s*)?(?:ngày\s*[\d/]+\s*)?(?:của\s+)?", regex.IGNORECASE)
_REF_ABOUT = regex.compile(r"^\s*(?:về\s+việc|về|V/v)\s+", regex.IGNORECASE)


@lru_cache(maxsize=4096)
def _leading(name: str) -> regex.Pattern[str]:
    """A doc type or issuer named at the start of a reference's text (types and issuers repeat)."""
    return regex.compile(rf"^\s*{regex.escape(name)}\s*", regex.IGNORECASE)


def _ref_subject(ref: dict[str, Any]) -> str:
    """What a reference says its document is about: its `về việc` subject, else
    its text without the leading type, number and issuer."""
    if ref.get("subject"):
        return ref["subject"]
    text = ref.get("text") or ""
    if ref.get("doc_type"):
        text = _leading(ref["doc_type"]).sub("", text)
    text = _REF_NUMBER_DATE.sub("", text)
    if ref.get("issuer"):
        text = _leading(ref["issuer"]).sub("", text)
    return _REF_ABOUT.sub("", text)


def build_graph(letters: Iterable[dict[str, Any]], refs: Iterable[dict[str, Any]]) -> Graph:
    """Resolve references (dicts shaped like the store's rows) into nodes, edges and links."""
    with no_gc():
        return _build_graph(letters, refs)


class no_gc:
    """Millions of small live objects and no cycles: the cyclic collector would rescan
    them over and over as they are made (superlinear time for nothing)."""

    def __enter__(self) -> None:
        import gc

        self.enabled = gc.isenabled()
        gc.disable()

    def __exit__(self, *exc: object) -> None:
        import gc

        if self.enabled:
            gc.enable()


def read_plan(tokens: frozenset[str], df: Callable[[str], int]) -> tuple[tuple[str, ...], tuple[int, str]]:
    """The words an unnumbered reference looks up, given each word's document frequency in
    the blocks it may cite, and a gap key that parts them from the others: every word read
    has its key (df, word) below the gap, every other word at or above it (see `Plan`).

    A fit shares at least 60 % (and at least 3) of the reference's n words, so it holds one
    of its rarest min(floor(0.4 n), n - 3) + 1 words (prefix filtering). Of those, a word
    found in more than `_RARE_DF` documents names a topic (`phòng`, `chống`, `dịch`), not a
    document, and is not looked up: a fit must share at least one word that singles
    documents out. Since the words are read rarest first, dropping the common ones drops no
    such fit, so the exactly-one-fit rule still sees every fit. A reference made only of
    topic words must share its rarest word, if that is in at most `_RAREST_DF` documents
    (else nothing is read: too generic). So the work per reference is bounded by
    max(`_RARE_DF` times the prefix length, `_RAREST_DF`), whatever the size of the corpus.
    """
    keys = sorted((df(tok), tok) for tok in tokens)
    n = len(keys)
    m = min(int(0.4 * n), n - 3) + 1
    prefix = keys[:m]
    # (d + 1, "") is the least key of df d + 1: below it are the words of df <= d.
    rare = tuple(tok for d, tok in prefix if d <= _RARE_DF)
    if len(rare) == m:
        return rare, min(keys[m], (_RARE_DF + 1, ""))
    if rare:
        return rare, (_RARE_DF + 1, "")
    if prefix[0][0] <= _RAREST_DF:
        # Only topic words: the rarest of them is the best there is to go on.
        return (prefix[0][1],), min(keys[1], (_RAREST_DF + 1, ""))
    return (), (_RAREST_DF + 1, "")


def key_below(df: int, word: str, gap_df: int, gap_word: str) -> bool:
    """(df, word) is below the gap key (`read_plan`)."""
    return df < gap_df or (df == gap_df and word < gap_word)


def subject_eligible(tkey: str | None, tokens: frozenset[str]) -> bool:
    """An unnumbered reference is looked up by subject only with a type and three words."""
    return bool(tkey) and tkey != "van ban" and len(tokens) >= 3


class _SubjectBlocks:
    """The subject-word index for unnumbered references, blocked by (doc type,
    issuer key): a reference reads only the blocks of its type whose issuer is
    compatible with its own, and in them only the postings of the words
    `read_plan` picks."""

    def __init__(self, nodes: Iterable[Node]) -> None:
        self._postings: dict[tuple[str | None, str | None], dict[str, list[Node]]] = defaultdict(
            lambda: defaultdict(list))
        for node in nodes:
            if node.tokens:
                block = self._postings[(_doc_type_key(node.doc_type), node.issuer_key)]
                for tok in node.tokens:
                    block[tok].append(node)
        self._issuers: dict[str | None, list[str | None]] = defaultdict(list)
        for tkey, ikey in self._postings:
            self._issuers[tkey].append(ikey)
        self._compatible: dict[tuple[str, str | None], list[dict[str, list[Node]]]] = {}

    def _blocks(self, tkey: str, ikey: str | None) -> list[dict[str, list[Node]]]:
        # A few hundred issuers per type at most, and references repeat them: checked once per pair.
        found = self._compatible.get((tkey, ikey))
        if found is None:
            found = self._compatible[(tkey, ikey)] = [
                self._postings[(tkey, other)] for other in sorted(self._issuers.get(tkey, ()), key=str)
                if issuers_compatible(ikey, other)]
        return found

    def probe(self, tkey: str, ikey: str | None, tokens: frozenset[str]
              ) -> tuple[tuple[str, ...], tuple[int, str], list[list[Node]]]:
        """The words read, their gap key, and the postings to read: one list per block and word."""
        blocks = self._blocks(tkey, ikey)
        read, gap = read_plan(tokens, lambda tok: sum(len(b.get(tok, ())) for b in blocks))
        return read, gap, [b[tok] for tok in read for b in blocks if tok in b]


def letter_node(row: dict[str, Any], tokens: frozenset[str] | None = None) -> Node:
    """A letter's node; `tokens`: its subject words when already known."""
    return Node(
        node_id=row["letter_id"], in_corpus=True, letter_id=row["letter_id"], doc_type=row.get("doc_type"),
        number=row.get("number"), symbol=row.get("symbol"), number_key=row.get("number_key"),
        issuer=row.get("issuer"), issuer_key=issuer_key(row.get("issuer")), date=row.get("issued"),
        year=row.get("issued_year") or symbol_year(row.get("symbol")), subject=row.get("subject"),
        tokens=subject_tokens(row.get("subject")) if tokens is None else tokens,
    )


def _build_graph(letters: Iterable[dict[str, Any]], refs: Iterable[dict[str, Any]]) -> Graph:
    g = Graph()
    letter_date: dict[str, str | None] = {}
    for row in sorted(letters, key=lambda r: r["letter_id"]):
        node = letter_node(row)
        g.nodes[node.node_id] = node
        letter_date[node.node_id] = node.date

    refs = sorted(refs, key=lambda r: (r["letter_id"], r["idx"]))
    link: dict[tuple[str, int], Link] = {}
    # Steps 1 and 2.
    g.nodes.update(resolve_numbered(g.nodes, [r for r in refs if r.get("number_key")], link))

    # 3. References without a number: one document of the same type (and issuer)
    #    with a similar subject, older than the text citing it.
    blocks = _SubjectBlocks(g.nodes.values())
    not_after = references_not_after(refs)
    for ref in refs:
        if ref.get("number_key"):
            continue
        ref_key = (ref["letter_id"], ref["idx"])
        found, external, plan = resolve_unnumbered(ref, letter_date.get(ref["letter_id"]), not_after.get(ref_key, ()),
                                                   blocks.probe)
        if external is not None:
            g.nodes[external.node_id] = external
        if plan is not None:
            g.plans[ref_key] = plan
        link[ref_key] = found

    # 4. Edges and counts.
    for ref in refs:
        lk = link[(ref["letter_id"], ref["idx"])]
        g.links.append(link_row(ref["letter_id"], ref["idx"], lk))
        g.nodes[lk.node_id].n_cited += 1
    g.edges = sorted(fold_edges(edge_contributions(refs, link)).values(), key=lambda e: (e["src"], e["dst"]))
    return g


def link_row(letter_id: str, idx: int, lk: Link) -> dict[str, Any]:
    return {"letter_id": letter_id, "idx": idx, "node_id": lk.node_id, "method": lk.method,
            "confidence": lk.confidence, "evidence": lk.evidence}


def resolve_numbered(letters: dict[str, Node], refs: list[dict[str, Any]],
                     link: dict[tuple[str, int], Link]) -> dict[str, Node]:
    """Steps 1 and 2 for numbered references (sorted by letter and index): each linked to
    a letter or to an external node, into `link`; letters without a date dated as their
    citers date them (in place). `letters` holds, in letter id order, at least every
    letter with one of the references' number keys. Returns the external nodes."""
    by_key: dict[str, list[Node]] = defaultdict(list)
    for node in letters.values():
        if node.number_key:
            by_key[node.number_key].append(node)
    numbered_open: dict[str, list[dict[str, Any]]] = defaultdict(list)
    cited_dates: dict[str, list[str]] = defaultdict(list)
    # 1. Numbered references against letters, by identity.
    for ref in refs:
        key = ref["number_key"]
        explicit = issuer_key(ref.get("issuer"))
        ikey = explicit or issuer_key(_implied_issuer(ref.get("symbol")))
        year = ref.get("year") or symbol_year(ref.get("symbol"))
        own = letters.get(ref["letter_id"])
        if own is not None and own.number_key == key and issuers_compatible(ikey, own.issuer_key) \
                and (not year or not own.year or year == own.year):
            # A letter naming its own number (`Quyết định này ...`, an annex header) cites nothing.
            link[(ref["letter_id"], ref["idx"])] = Link(own.node_id, "self", 1.0, f"{key} is the citing letter's own number")
            continue
        fits = [n for n in by_key.get(key, ()) if n.node_id != ref["letter_id"]
                and issuers_compatible(ikey, n.issuer_key) and (not year or not n.year or year == n.year)]
        exact = [n for n in fits if ikey and n.issuer_key == ikey and year and n.year == year]
        pool = exact or fits
        identities = {(n.issuer_key, n.year) for n in pool}
        if pool and len(identities) == 1:
            target = pool[0]
            how = ["number and symbol"]
            how.append("issuer" if explicit and target.issuer_key else "issuer implied by the symbol" if ikey else "no issuer")
            how.append("year" if year and target.year else "no year")
            conf = 1.0 if (explicit and year and target.issuer_key and target.year) else 0.9 if year else 0.8
            extra = f"; {len(pool) - 1} more file(s) share this identity (possible duplicates)" if len(pool) > 1 else ""
            link[(ref["letter_id"], ref["idx"])] = Link(target.node_id, "identity", conf,
                                                        f"{key} matched on " + ", ".join(how) + extra)
            if ref.get("date"):
                cited_dates[target.node_id].append(ref["date"])
        else:
            if len(identities) > 1:
                ref = dict(ref, _ambiguous=sorted(n.node_id for n in pool))
            numbered_open[key].append(ref)

    # A letter whose own date was not read is dated as the letters citing it date it.
    for node_id, dates in cited_dates.items():
        node = letters[node_id]
        if not node.date:
            node.date = Counter(dates).most_common(1)[0][0]

    # 2. Numbered references to documents outside the corpus: one external node
    #    per identity; a reference missing issuer or year joins the one node it fits.
    nodes: dict[str, Node] = {}
    for key, group in numbered_open.items():
        def spec(r: dict[str, Any]) -> tuple[str | None, int | None]:
            return (issuer_key(r.get("issuer")) or issuer_key(_implied_issuer(r.get("symbol"))),
                    r.get("year") or symbol_year(r.get("symbol")))

        externals: list[Node] = []
        for ref in sorted(group, key=lambda r: (not r.get("issuer"), spec(r)[1] is None, spec(r)[0] is None,
                                                r["letter_id"], r["idx"])):
            ikey, year = spec(ref)
            fits = [n for n in externals if issuers_compatible(ikey, n.issuer_key)
                    and (not year or not n.year or year == n.year)]
            exact = [n for n in fits if n.issuer_key == ikey and n.year == year]
            external = exact[0] if exact else fits[0] if len(fits) == 1 else None
            if ref.get("_ambiguous"):
                # It may name any of several letters: joining one node would pick a side.
                external = next((n for n in externals if n.node_id == f"x:{key}|{ikey or '?'}|{year or '?'}"), None)
            if external is None:
                external = Node(node_id=f"x:{key}|{ikey or '?'}|{year or '?'}", in_corpus=False, number_key=key,
                                number=ref.get("number"), symbol=ref.get("symbol"), issuer_key=ikey, year=year,
                                doc_type=ref.get("doc_type"))
                externals.append(external)
                nodes[external.node_id] = external
            _absorb(external, ref)
            why = "not in the corpus"
            if ref.get("_ambiguous"):
                why = f"{len(ref['_ambiguous'])} letters fit and none is preferred: " + ", ".join(ref["_ambiguous"][:5])
            link[(ref["letter_id"], ref["idx"])] = Link(external.node_id, "external", 1.0, f"{key}: {why}")
    return nodes


def references_not_after(refs: Iterable[dict[str, Any]]) -> dict[tuple[str, int], list[str]]:
    """The latest dates by which each reference's document must exist, beyond the citing
    letter's: those of the references whose description cites it (same letter)."""
    not_after: dict[tuple[str, int], list[str]] = defaultdict(list)
    for ref in refs:
        for j in ref.get("cites_idx") or ():
            if ref.get("date"):
                not_after[(ref["letter_id"], j)].append(ref["date"])
    return not_after


def overlap_fits(k: int, n_ref: int, n_node: int) -> bool:
    """Enough shared subject words: at least 3, 60 % of the reference's, 40 % of the document's."""
    return k >= 3 and k / n_ref >= 0.6 and k / n_node >= 0.4


Probe = Callable[[str, "str | None", frozenset[str]], tuple[tuple[str, ...], tuple[int, str], list[list[Node]]]]


def resolve_unnumbered(ref: dict[str, Any], letter_date: str | None, not_after: Iterable[str], probe: Probe
                       ) -> tuple[Link, Node | None, Plan | None]:
    """Step 3 for one reference without a number: its link, its own `u:` node when it stays
    unresolved, and its lookup plan when it was looked up."""
    tokens = subject_tokens(_ref_subject(ref))
    tkey = _doc_type_key(ref.get("doc_type"))
    ikey = issuer_key(ref.get("issuer"))
    found: Link | None = None
    plan: Plan | None = None
    why = "no letter or external node of known, earlier date fits"
    if subject_eligible(tkey, tokens):
        assert tkey is not None
        read, gap, postings = probe(tkey, ikey, tokens)
        plan = Plan(tkey, ikey, tokens, read, gap[0], gap[1])
        if not postings:
            why = "the subject words are too common to single out one document"
        deadline = [d for d in (letter_date, *not_after) if d]
        fits: list[tuple[float, Node, int]] = []
        seen: set[str] = {ref["letter_id"]}
        for posting in postings:
            for node in posting:
                if node.node_id in seen:
                    continue
                seen.add(node.node_id)
                k = len(tokens & node.tokens)
                if not overlap_fits(k, len(tokens), len(node.tokens)):
                    continue
                # The cited document must be known to be older: with either date unknown it does not fit.
                if not node.date or not deadline or not all(date_le(node.date, d) for d in deadline):
                    continue
                fits.append((2 * k / (len(tokens) + len(node.tokens)), node, k))
        if len(fits) == 1:
            dice, node, k = fits[0]
            dated = f"; dated {node.date}, not after {min(deadline)}"
            conf = round(min(0.95, 0.5 + 0.45 * dice) - (0.0 if ikey else 0.1), 3)
            found = Link(node.node_id, "subject", conf,
                         f"unnumbered {ref.get('doc_type')}{' of ' + ref['issuer'] if ref.get('issuer') else ''}: "
                         f"{k} of {len(tokens)} subject words shared with {node.label()}{dated}; the only fit")
        elif len(fits) > 1:
            why = f"{len(fits)} documents fit: " + ", ".join(sorted(n.label() for _, n, _ in fits)[:5])
    elif not tkey or tkey == "van ban":
        why = "no document type to narrow the search"
    else:
        why = "too few subject words to compare"
    if found is not None:
        return found, None, plan
    node = Node(node_id=f"u:{ref['letter_id']}:{ref['idx']}", in_corpus=False, doc_type=ref.get("doc_type"),
                issuer_key=ikey)
    _absorb(node, ref)
    return Link(node.node_id, "unresolved", 0.0, f"unnumbered reference left unresolved: {why}"), node, plan


def edge_contributions(refs: Iterable[dict[str, Any]], link: dict[tuple[str, int], Link]
                       ) -> Iterator[tuple[tuple[str, int, int], dict[str, Any]]]:
    """Step 4's candidate edges, each with its position (letter, reference, place): the
    citing letter -> each reference; and each reference -> what its own description says
    it relates to (`cites`). Every reference of a letter must have its link in `link`."""
    for ref in refs:
        lid, idx = ref["letter_id"], ref["idx"]
        lk = link[(lid, idx)]
        conf = lk.confidence if lk.method != "unresolved" else 1.0
        yield (lid, idx, 0), _edge(lid, lk.node_id, ref.get("relation") or "mentions",
                                   f"cited as: {_short(ref.get('text'))} ({lk.evidence})", conf, lid, idx)
        for place, (j, rel) in enumerate(zip(ref.get("cites_idx") or (), ref.get("cites_relation") or ()), 1):
            # Only a stated relation (`về việc triển khai ...`) is an edge; two
            # documents merely named in one description (`X và Y`) are not.
            if rel == "mentions":
                continue
            other = link.get((lid, j))
            if other is None:
                continue
            c = min(lk.confidence if lk.method != "unresolved" else 1.0,
                    other.confidence if other.method != "unresolved" else 1.0)
            yield (lid, idx, place), _edge(lk.node_id, other.node_id, rel,
                                           f"stated in letter {lid}: {_short(ref.get('text'))}", c, lid, idx)


def _edge(src: str, dst: str, relation: str, evidence: str, confidence: float, letter_id: str, idx: int
          ) -> dict[str, Any]:
    return {"src": src, "dst": dst, "relation": relation, "evidence": evidence,
            "confidence": round(confidence, 3), "letter_id": letter_id, "ref_idx": idx}


def fold_edges(contributions: Iterable[tuple[tuple[str, int, int], dict[str, Any]]]
               ) -> dict[tuple[str, str], dict[str, Any]]:
    """One edge per (src, dst), given its contributions in position order: the first of
    those with the highest (relation rank, confidence); an edge to itself is none."""
    best: dict[tuple[str, str], dict[str, Any]] = {}
    for _, edge in contributions:
        if edge["src"] == edge["dst"]:
            continue
        pair = (edge["src"], edge["dst"])
        old = best.get(pair)
        if old is None or (_RELATION_RANK.get(edge["relation"], 1), edge["confidence"]) > \
                (_RELATION_RANK.get(old["relation"], 1), old["confidence"]):
            best[pair] = edge
    return best


def _short(text: str | None, n: int = 160) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= n else text[: n - 1] + "…"


def _absorb(node: Node, ref: dict[str, Any]) -> None:
    """Keep the most that is known of an external document across its citations."""
    node.doc_type = node.doc_type or ref.get("doc_type")
    if ref.get("issuer") and not node.issuer:
        node.issuer = ref["issuer"]
    if not node.issuer and ref.get("symbol"):
        node.issuer = _implied_issuer(ref.get("symbol"))
    if not node.doc_type and ref.get("symbol"):
        from congvan.parsers.fields.numbers import split_symbol

        node.doc_type = split_symbol(ref["symbol"])[0]
    d = ref.get("date")
    if d and (not node.date or len(d) > len(node.date)):
        node.date = d
    node.year = node.year or ref.get("year") or symbol_year(ref.get("symbol"))
    subj = ref.get("subject") or (None if ref.get("number_key") else _ref_subject(ref))
    if subj and (not node.subject or len(subj) > len(node.subject)):
        node.subject = subj
    node.tokens = node.tokens | subject_tokens(ref.get("subject"))


# ---------------------------------------------------------------- the store


def resolve_store(con: duckdb.DuckDBPyConnection, changed: Iterable[str] = (), *, full: bool = False
                  ) -> Resolution:
    """Bring nodes, edges and reference_links in step with the store's letters, in one
    transaction: only what the letters added, removed or replaced since the last
    resolution can reach (`changed`: letter ids written again under the same id), or
    everything when `full`, when the graph was never resolved by this version, or when
    most of the store changed. Either way the tables are those a full rebuild gives."""
    from congvan.pipeline.graph_update import resolve

    return resolve(con, changed, full=full)


def load_graph(db: str | Path) -> networkx.DiGraph:
    """The citation graph as a networkx DiGraph (edges: citing -> cited)."""
    import networkx as nx

    from congvan.pipeline import store

    con = store.connect(db, read_only=True)
    try:
        nodes = con.execute("SELECT * FROM nodes ORDER BY node_id").df()
        edges = con.execute("SELECT * FROM edges ORDER BY src, dst").df()
    finally:
        con.close()
    graph: nx.DiGraph[str] = nx.DiGraph()
    for row in nodes.to_dict("records"):
        node_id = row.pop("node_id")
        graph.add_node(node_id, **{k: _plain(v) for k, v in row.items()})
    for row in edges.to_dict("records"):
        graph.add_edge(row.pop("src"), row.pop("dst"), **{k: _plain(v) for k, v in row.items()})
    return graph


def _plain(value: Any) -> Any:
    """pandas NA/NaN -> None, numpy scalars -> Python, so exports and notebooks see plain values."""
    try:
        import pandas as pd

        if value is None or (not isinstance(value, (list, tuple)) and pd.isna(value)):
            return None
    except (TypeError, ValueError):
        pass
    return value.item() if hasattr(value, "item") else value


def find_nodes(graph: networkx.DiGraph, query: str) -> list[str]:
    """Node ids a user's `--from` names: a node id, a letter id prefix, or a number/symbol."""
    if query in graph:
        return [query]
    hits = [n for n, d in graph.nodes(data=True) if d.get("letter_id") and str(d["letter_id"]).startswith(query)]
    if hits:
        return sorted(hits)
    if "/" in query:
        num, sym = query.split("/", 1)
        key = number_key(num.strip(), sym.strip())
        return sorted(n for n, d in graph.nodes(data=True) if key and d.get("number_key") == key)
    return []
