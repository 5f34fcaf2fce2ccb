"""The citation graph kept in step with the store: a full rebuild, or an incremental
resolution of what the letters added, removed or replaced since the last one can reach.

Flow: store (`letters`, `citations`) -> **graph resolution** -> graph tables
(`nodes`, `edges`, `reference_links`) -> exports. The rules of resolution are
`pipeline/graph.py`'s, which also states what a change can reach and why resolving
only that gives exactly the tables a full rebuild gives; this module selects that
part with SQL (loading the whole store is what makes a full rebuild slow), runs
the same code on it, and writes the difference, in one transaction.

Beside the graph tables it keeps the lookup state an incremental resolution needs
(`graph_letters`, `graph_node_words`, `graph_ref_words`, see pipeline/store.py),
derived like them: a full rebuild writes it, an incremental one keeps it in step.
A full rebuild runs when asked, when the state was not written by this version of
the rules (`GRAPH_VERSION` in `meta`: a new or migrated store, an older congvan),
and when so much changed that it is the faster way.
"""
from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from operator import itemgetter
from typing import TYPE_CHECKING, Any

from congvan.pipeline import graph as G

if TYPE_CHECKING:
    import duckdb

# Bump when a change to the rules of resolution (pipeline/graph.py) makes stored graphs stale.
GRAPH_VERSION = "1"
# When more than this share of the letters changed, a full rebuild is the faster way.
FULL_SHARE = 0.3

LETTER_COLS = ("letter_id", "doc_type", "number", "symbol", "number_key", "issuer", "issued", "issued_year", "subject")
REF_COLS = ("letter_id", "idx", "doc_type", "number", "symbol", "number_key", "date", "year", "issuer",
            "relation", "subject", "text", "cites_idx", "cites_relation")
NODE_COLS = ("node_id", "in_corpus", "letter_id", "doc_type", "number", "symbol", "number_key", "issuer", "date",
             "year", "subject", "label")


@dataclass
class Resolution:
    """What one resolution did."""

    mode: str                 # full | incremental | none
    letters_added: int = 0    # letters new or written again since the last resolution
    letters_removed: int = 0  # letters gone, or old versions of those written again
    keys: int = 0             # number keys resolved again
    refs_resolved: int = 0    # references resolved again (numbered and not)
    links_changed: int = 0
    seconds: float = 0.0

    def line(self) -> str:
        if self.mode == "full":
            return f"graph: full rebuild, {self.seconds:.2f} s"
        return (f"graph: {self.mode}: {self.letters_added} letters in, {self.letters_removed} out, "
                f"{self.keys} number keys and {self.refs_resolved} references resolved again, "
                f"{self.links_changed} links changed, {self.seconds:.2f} s")


def resolve(con: duckdb.DuckDBPyConnection, changed: Iterable[str] = (), *, full: bool = False) -> Resolution:
    """Bring the graph tables in step with the letters (see `graph.resolve_store`)."""
    from congvan.pipeline import store

    t0 = time.perf_counter()
    if full or _stale(con):
        result = _rebuild(con)
    else:
        new_letters, old_ids = _changes(con, sorted(set(changed)))
        n_letters = _count(con, "SELECT count(*) FROM letters")
        if not new_letters and not old_ids:
            result = Resolution("none")
        elif len(new_letters) + len(old_ids) > FULL_SHARE * n_letters:
            result = _rebuild(con)
        else:
            con.execute("BEGIN TRANSACTION")
            try:
                with G.no_gc():
                    result = _Update(con, new_letters, old_ids).run()
                con.execute("COMMIT")
            except BaseException:
                store.rollback(con)
                raise
            finally:
                _unregister(con)
    result.seconds = time.perf_counter() - t0
    return result


def _stale(con: duckdb.DuckDBPyConnection) -> bool:
    """The lookup state was not written by these rules, or never (an empty graph_letters
    with letters in the store: a new, migrated or older store)."""
    row = con.execute("SELECT value FROM meta WHERE key = 'graph_version'").fetchone()
    if row is None or row[0] != GRAPH_VERSION:
        return True
    return _count(con, "SELECT count(*) FROM graph_letters") == 0


def _count(con: duckdb.DuckDBPyConnection, query: str) -> int:
    """The figure of a `SELECT count(*)` query (which always returns one row)."""
    row = con.execute(query).fetchone()
    assert row is not None
    return int(row[0])


def _changes(con: duckdb.DuckDBPyConnection, changed: list[str]) -> tuple[list[dict[str, Any]], list[str]]:
    """(the rows of the letters to add: new, or written again; the ids of the letters whose
    graph state goes: gone, or the old versions of those written again)."""
    new_letters = sorted(_rows(
        con, f"SELECT {', '.join(LETTER_COLS)} FROM letters WHERE letter_id NOT IN (SELECT letter_id FROM graph_letters) "
             "OR letter_id IN (SELECT unnest(?::VARCHAR[]))", [changed]), key=lambda r: r["letter_id"])
    new_ids = [r["letter_id"] for r in new_letters]
    old_ids = [r[0] for r in con.execute(
        "SELECT node_id FROM nodes WHERE in_corpus AND (node_id NOT IN (SELECT letter_id FROM letters) "
        "OR node_id IN (SELECT unnest(?::VARCHAR[]))) ORDER BY node_id", [new_ids]).fetchall()]
    return new_letters, old_ids


# ------------------------------------------------------------------ full rebuild


def _rows(con: duckdb.DuckDBPyConnection, sql: str, params: list[Any] | None = None) -> list[dict[str, Any]]:
    cur = con.execute(sql, params or [])
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, r)) for r in cur.fetchall()]


def _rebuild(con: duckdb.DuckDBPyConnection) -> Resolution:
    from congvan.pipeline import store

    letters = _rows(con, f"SELECT {', '.join(LETTER_COLS)} FROM letters")
    refs = _rows(con, f"SELECT {', '.join(REF_COLS)} FROM citations")
    g = G.build_graph(letters, refs)
    con.execute("BEGIN TRANSACTION")
    try:
        for table in (*store.GRAPH_TABLES, *store.GRAPH_STATE_TABLES):
            con.execute(f"DELETE FROM {table}")
        _append_rows(con, "nodes", [n.row() for n in sorted(g.nodes.values(), key=lambda n: n.node_id)])
        _append_rows(con, "edges", g.edges)
        _append_rows(con, "reference_links", g.links)
        _append(con, "graph_letters", {"letter_id": sorted(r["letter_id"] for r in letters)})
        _append(con, "graph_node_words", _node_words(g.nodes.values()))
        _append(con, "graph_ref_words", _ref_words(g.plans))
        con.execute("INSERT OR REPLACE INTO meta VALUES ('graph_version', ?)", [GRAPH_VERSION])
        con.execute("COMMIT")
    except BaseException:
        store.rollback(con)
        raise
    return Resolution("full", letters_added=len(letters), refs_resolved=len(refs), links_changed=len(g.links))


# ------------------------------------------------------------ the lookup state


def _block(node: G.Node) -> tuple[str, str] | None:
    """The (doc type key, issuer key) block a node is indexed in, if a lookup can read it.
    A `u:` node (an unresolved reference's own) is made after the index and never in it."""
    tkey = G._doc_type_key(node.doc_type)
    if not node.tokens or not tkey or tkey == "van ban" or node.node_id.startswith("u:"):
        return None
    return tkey, node.issuer_key or ""


def _node_words(nodes: Iterable[G.Node]) -> dict[str, list[Any]]:
    cols: dict[str, list[Any]] = {"node_id": [], "tkey": [], "ikey": [], "word": []}
    for node in nodes:
        block = _block(node)
        if block is None:
            continue
        for word in sorted(node.tokens):
            cols["node_id"].append(node.node_id)
            cols["tkey"].append(block[0])
            cols["ikey"].append(block[1])
            cols["word"].append(word)
    return cols


def _ref_words(plans: dict[tuple[str, int], G.Plan]) -> dict[str, list[Any]]:
    cols: dict[str, list[Any]] = {k: [] for k in ("letter_id", "idx", "tkey", "ikey", "word", "is_read", "gap_df",
                                                  "gap_word")}
    for (lid, idx), plan in plans.items():
        for word in sorted(plan.tokens):
            cols["letter_id"].append(lid)
            cols["idx"].append(idx)
            cols["tkey"].append(plan.tkey)
            cols["ikey"].append(plan.ikey or "")
            cols["word"].append(word)
            cols["is_read"].append(word in plan.read)
            cols["gap_df"].append(plan.gap_df)
            cols["gap_word"].append(plan.gap_word)
    return cols


_TYPES = {"idx": "int32", "is_read": "bool_", "gap_df": "int32", "n": "int64", "vid": "int32", "in_corpus": "bool_",
          "year": "int32", "n_cited": "int32", "confidence": "float64", "ref_idx": "int32"}
_COLUMNS = {
    "nodes": NODE_COLS + ("n_cited",),
    "edges": ("src", "dst", "relation", "evidence", "confidence", "letter_id", "ref_idx"),
    "reference_links": ("letter_id", "idx", "node_id", "method", "confidence", "evidence"),
}


def _arrow(cols: dict[str, list[Any]]) -> Any:
    import pyarrow as pa

    return pa.table({c: pa.array(v, type=getattr(pa, _TYPES.get(c, "string"))()) for c, v in cols.items()})


def _append_rows(con: duckdb.DuckDBPyConnection, table: str, rows: list[dict[str, Any]]) -> None:
    """Rows (dicts) into a graph table, by its known columns."""
    if rows:
        names = _COLUMNS[table]
        _append(con, table, dict(zip(names, map(list, zip(*map(itemgetter(*names), rows))))))


def _append(con: duckdb.DuckDBPyConnection, table: str, cols: dict[str, list[Any]]) -> None:
    if not next(iter(cols.values())):
        return
    con.register("_append", _arrow(cols))
    try:
        con.execute(f"INSERT INTO {table} ({', '.join(cols)}) SELECT {', '.join(cols)} FROM _append")
    finally:
        con.unregister("_append")


_REGISTERED: set[str] = set()


def _register(con: duckdb.DuckDBPyConnection, name: str, cols: dict[str, list[Any]]) -> str:
    con.register(name, _arrow(cols))
    _REGISTERED.add(name)
    return name


def _unregister(con: duckdb.DuckDBPyConnection) -> None:
    for name in list(_REGISTERED):
        try:
            con.unregister(name)
        except Exception:  # noqa: BLE001 - a view already gone is what we want
            pass
        _REGISTERED.discard(name)


@lru_cache(maxsize=1 << 16)
def _compatible(a: str, b: str) -> bool:
    return G.issuers_compatible(a or None, b or None)


# `_compatible` in SQL, for issuer keys ('' unknown): one's words contain the other's.
_SQL_COMPATIBLE = ("({a} = '' OR {b} = '' OR list_has_all(string_split({a}, ' '), string_split({b}, ' ')) "
                   "OR list_has_all(string_split({b}, ' '), string_split({a}, ' ')))")


# ------------------------------------------------------------------ incremental


@dataclass
class _Version:
    """One version (before or after the change) of a node whose lookup-relevant facts changed."""

    node_id: str
    tkey: str
    ikey: str
    words: frozenset[str]
    new: bool


class _Update:
    """One incremental resolution, inside the caller's transaction."""

    def __init__(self, con: duckdb.DuckDBPyConnection, new_letters: list[dict[str, Any]], old_ids: list[str]) -> None:
        self.con = con
        self.new_letters = new_letters
        self.new_ids, self.old_ids = [r["letter_id"] for r in new_letters], old_ids
        self.link: dict[tuple[str, int], G.Link] = {}          # new links of the references resolved again
        self.rows: dict[tuple[str, int], dict[str, Any]] = {}   # the reference rows read so far
        self.plans: dict[tuple[str, int], G.Plan] = {}
        self.u_nodes: dict[str, G.Node] = {}
        self.recount: set[str] = set()                          # nodes whose n_cited may have changed
        self.report = Resolution("incremental", letters_added=len(new_letters), letters_removed=len(old_ids))

    def sql(self, sql: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
        return self.con.execute(sql, params or []).fetchall()

    def run(self) -> Resolution:
        _register(self.con, "_new_ids", {"letter_id": self.new_ids})
        _register(self.con, "_old_ids", {"letter_id": self.old_ids})
        # The links of the old versions' references (their rows are gone from `citations`).
        gone_links = self.sql("""
            SELECT l.letter_id, l.idx, l.node_id, l.method, n.number_key, n.letter_id
            FROM reference_links l LEFT JOIN nodes n ON n.node_id = l.node_id
            WHERE l.letter_id IN (SELECT letter_id FROM _old_ids)""") if self.old_ids else []
        new_refs = _rows(self.con, f"SELECT {', '.join(REF_COLS)} FROM citations "
                                   "WHERE letter_id IN (SELECT letter_id FROM _new_ids)") if self.new_ids else []
        self.rows.update(((r["letter_id"], r["idx"]), r) for r in new_refs)
        versions = self._numbered(gone_links, new_refs)
        self._unnumbered(versions, new_refs)
        changed = self._write_links(gone_links)
        self._edges(changed)
        self._recount()
        self.con.execute("DELETE FROM graph_letters WHERE letter_id IN (SELECT letter_id FROM _new_ids)")
        self.con.execute("INSERT INTO graph_letters SELECT letter_id FROM _new_ids")
        # A letter gone for good leaves graph_letters too (one written again was taken out by write_batch).
        if self.old_ids:
            self.con.execute("DELETE FROM graph_letters WHERE letter_id IN (SELECT letter_id FROM _old_ids) "
                             "AND letter_id NOT IN (SELECT letter_id FROM _new_ids)")
        return self.report

    # -- steps 1 and 2

    def _numbered(self, gone_links: list[tuple[Any, ...]], new_refs: list[dict[str, Any]]) -> list[_Version]:
        """Resolve the number keys the change touches; write the nodes that changed. Returns
        the versions of the nodes whose lookup-relevant facts changed.

        A key whose letters changed is resolved again whole. A key only cited by references
        that came or went is resolved whole too, unless each of those links (or linked) to
        its own letter or, by identity, to a letter dated by itself: such a link changes no
        other link of the key, no letter's date (only an undated letter takes its citers')
        and no external node, so the new references alone are resolved."""
        con = self.con
        letter_keys = {r["number_key"] for r in self.new_letters if r["number_key"]}
        if self.old_ids:
            letter_keys |= {r[0] for r in self.sql(
                "SELECT number_key FROM nodes WHERE node_id IN (SELECT letter_id FROM _old_ids)") if r[0]}
        new_numbered = sorted((r for r in new_refs if r.get("number_key")), key=lambda r: (r["letter_id"], r["idx"]))
        # An old numbered reference's key is its target's: a letter or external node of that key, or its own letter.
        gone_numbered = [g for g in gone_links if g[3] in ("identity", "external", "self") and g[4]]
        ref_keys = ({r["number_key"] for r in new_numbered} | {g[4] for g in gone_numbered}) - letter_keys
        _register(con, "_keys", {"number_key": sorted(letter_keys | ref_keys)})
        letter_rows = _rows(con, f"SELECT {', '.join(LETTER_COLS)} FROM letters "
                                 "WHERE number_key IN (SELECT number_key FROM _keys)")
        letter_rows.sort(key=lambda r: r["letter_id"])   # resolve_numbered wants them in id order
        dated = {r["letter_id"] for r in letter_rows if r["issued"]}

        # Keys only cited: try the new references alone, where a letter has the key (else
        # they go to an external node, which the key's other references share).
        heavy = letter_keys | (ref_keys - {r["number_key"] for r in letter_rows})
        light = ref_keys - heavy
        trial: dict[tuple[str, int], G.Link] = {}
        G.resolve_numbered({r["letter_id"]: G.letter_node(r, tokens=frozenset()) for r in letter_rows
                            if r["number_key"] in light},
                           [r for r in new_numbered if r["number_key"] in light], trial)
        for ref in new_numbered:
            lk = trial.get((ref["letter_id"], ref["idx"]))
            if lk is not None and not (lk.method == "self" or (lk.method == "identity" and lk.node_id in dated)):
                heavy.add(ref["number_key"])
        for g in gone_numbered:
            if not (g[3] == "self" or (g[3] == "identity" and g[2] in dated)):
                heavy.add(g[4])
        key_of = {(r["letter_id"], r["idx"]): r["number_key"] for r in new_numbered}
        self.link.update((k, lk) for k, lk in trial.items() if key_of[k] not in heavy)
        self.report.keys = len(heavy)
        if not heavy:
            return self._write_nodes({}, set())

        _register(con, "_heavy", {"number_key": sorted(heavy)})
        refs = sorted(_rows(con, f"SELECT {', '.join(REF_COLS)} FROM citations "
                                 "WHERE number_key IN (SELECT number_key FROM _heavy)"),
                      key=lambda r: (r["letter_id"], r["idx"]))
        self.rows.update(((r["letter_id"], r["idx"]), r) for r in refs)
        return self._write_nodes({r["letter_id"]: r for r in letter_rows if r["number_key"] in heavy}, heavy, refs)

    def _write_nodes(self, letter_rows: dict[str, dict[str, Any]], heavy: set[str],
                     refs: list[dict[str, Any]] | None = None) -> list[_Version]:
        """Resolve the heavy keys whole and write every node whose row changed (theirs, and
        the letters added or removed); returns the versions of nodes that changed for lookups."""
        con = self.con
        where = ([" node_id IN (SELECT letter_id FROM _old_ids)"] if self.old_ids else []) + \
            ([" number_key IN (SELECT number_key FROM _heavy)"] if heavy else [])
        old_rows = {r["node_id"]: r for r in _rows(
            con, " UNION ALL ".join(f"SELECT {', '.join(NODE_COLS)} FROM nodes WHERE {w}" for w in where))} \
            if where else {}
        _register(con, "_old_nodes", {"node_id": sorted(old_rows)})
        old_words: dict[str, tuple[str, str, set[str]]] = {}
        if old_rows:
            for node_id, tkey, ikey, word in self.sql(
                    "SELECT node_id, tkey, ikey, word FROM graph_node_words "
                    "WHERE node_id IN (SELECT node_id FROM _old_nodes)"):
                old_words.setdefault(node_id, (tkey, ikey, set()))[2].add(word)
        new = set(self.new_ids)

        def node_of(row: dict[str, Any]) -> G.Node:
            # A letter stored before keeps its words (its subject is its letter's); a new one is read.
            if row["letter_id"] in new:
                return G.letter_node(row)
            ow = old_words.get(row["letter_id"])
            return G.letter_node(row, tokens=frozenset(ow[2]) if ow else frozenset())

        letters = {lid: node_of(row) for lid, row in letter_rows.items()}
        new_nodes: dict[str, G.Node] = dict(letters)
        new_nodes.update(G.resolve_numbered(letters, refs or [], self.link))
        # New letters without a number are nodes of no key.
        for row in self.new_letters:
            if not row["number_key"]:
                new_nodes[row["letter_id"]] = node_of(row)

        write: list[str] = []
        drop: list[str] = []
        rewords: list[str] = []
        versions: list[_Version] = []
        for node_id in sorted(set(old_rows) | set(new_nodes)):
            old, node = old_rows.get(node_id), new_nodes.get(node_id)
            new_row = node.row() if node is not None else None
            if new_row is not None:
                new_row.pop("n_cited")
            if old != new_row:
                (write if new_row is not None else drop).append(node_id)
                self.recount.add(node_id)
            ow = old_words.get(node_id)
            before = (ow[0], ow[1], frozenset(ow[2])) if ow else None
            block = _block(node) if node is not None else None
            after = (block[0], block[1], node.tokens) if block is not None and node is not None else None
            if before != after:
                rewords.append(node_id)
            # A node matters to lookups through its block, words, date and label.
            if (before, old and old["date"], old and old["label"]) != \
                    (after, node and node.date, node and node.label()):
                if before is not None:
                    versions.append(_Version(node_id, before[0], before[1], before[2], False))
                if after is not None:
                    versions.append(_Version(node_id, after[0], after[1], after[2], True))

        if write or drop:
            _register(con, "_drop_nodes", {"node_id": drop + write})
            con.execute("DELETE FROM nodes WHERE node_id IN (SELECT node_id FROM _drop_nodes)")
            _append_rows(con, "nodes", [dict(new_nodes[i].row(), n_cited=0) for i in write])
        if rewords:
            _register(con, "_reword", {"node_id": rewords})
            con.execute("DELETE FROM graph_node_words WHERE node_id IN (SELECT node_id FROM _reword)")
            _append(con, "graph_node_words", _node_words(new_nodes[i] for i in rewords if i in new_nodes))
        return versions

    # -- step 3

    def _unnumbered(self, versions: list[_Version], new_letter_refs: list[dict[str, Any]]) -> None:
        """Resolve again the references without a number the changed nodes can reach (the
        rule in graph.py's docstring), and those of the new letters (`new_letter_refs`: all
        their references, whose dates bound their siblings')."""
        con = self.con
        new_refs = [r for r in new_letter_refs if not r.get("number_key")]
        if self.old_ids:
            con.execute("DELETE FROM graph_ref_words WHERE letter_id IN (SELECT letter_id FROM _old_ids)")
        again = self._candidates(versions)
        siblings: list[dict[str, Any]] = []
        if again:
            _register(con, "_again", {"letter_id": [k[0] for k in again], "idx": [k[1] for k in again]})
            con.execute("DELETE FROM graph_ref_words USING _again a "
                        "WHERE graph_ref_words.letter_id = a.letter_id AND graph_ref_words.idx = a.idx")
            siblings = _rows(con, f"SELECT {', '.join(REF_COLS)} FROM citations "
                                  "WHERE letter_id IN (SELECT DISTINCT letter_id FROM _again)")
        if not again and not new_refs:
            return
        self.rows.update(((r["letter_id"], r["idx"]), r) for r in siblings)
        targets = [self.rows[k] for k in again] + new_refs
        dates = {r["letter_id"]: r["issued"] for r in self.new_letters}
        if again:
            dates.update(self.sql("SELECT letter_id, issued FROM letters "
                                  "WHERE letter_id IN (SELECT DISTINCT letter_id FROM _again)"))
        not_after = G.references_not_after([*siblings, *new_letter_refs])

        # What each lookup reads, from the store; then graph.py's own code resolves it.
        looked: dict[tuple[str, int], tuple[str, str, frozenset[str]]] = {}
        for ref in targets:
            tokens = G.subject_tokens(G._ref_subject(ref))
            tkey = G._doc_type_key(ref.get("doc_type"))
            if G.subject_eligible(tkey, tokens):
                assert tkey is not None
                looked[(ref["letter_id"], ref["idx"])] = (tkey, G.issuer_key(ref.get("issuer")) or "", tokens)
        df = self._block_df({(tkey, w) for tkey, _, words in looked.values() for w in words})

        def df_of(tkey: str, ikey: str) -> Any:
            def f(word: str) -> int:
                return sum(n for other, n in df.get((tkey, word), ()) if _compatible(ikey, other))
            return f

        want: set[tuple[str, str, str]] = set()
        for tkey, ikey, words in looked.values():
            read, _ = G.read_plan(words, df_of(tkey, ikey))
            for word in read:
                want |= {(tkey, other, word) for other, _ in df.get((tkey, word), ()) if _compatible(ikey, other)}
        postings = self._postings(want)

        def probe(tkey: str, ikey: str | None, tokens: frozenset[str]) -> Any:
            ik = ikey or ""
            read, bound = G.read_plan(tokens, df_of(tkey, ik))
            lists = [postings[(tkey, other, word)] for word in read
                     for other, _ in sorted(df.get((tkey, word), ())) if _compatible(ik, other)]
            return read, bound, [p for p in lists if p]

        for ref in targets:
            key = (ref["letter_id"], ref["idx"])
            found, node, plan = G.resolve_unnumbered(ref, dates.get(ref["letter_id"]), not_after.get(key, ()), probe)
            self.link[key] = found
            if node is not None:
                self.u_nodes[node.node_id] = node
            if plan is not None:
                self.plans[key] = plan
        _append(con, "graph_ref_words", _ref_words(self.plans))

    def _candidates(self, versions: list[_Version]) -> list[tuple[str, int]]:
        """The stored references whose lookup a changed node can change (graph.py's rule):
        one of their words w is held by a changed node (before or after) in a compatible
        block, and either w is read and its key reached the gap or its df passed between
        zero and non-zero, or w is not read and its key fell below the gap; or the node
        holds a read word and shares enough words to fit the reference, before or after."""
        if not versions:
            return []
        con = self.con
        gain: dict[tuple[str, str, str], int] = defaultdict(int)
        vw: dict[str, list[Any]] = {"vid": [], "tkey": [], "ikey": [], "word": []}
        for vid, v in enumerate(versions):
            for word in v.words:
                gain[(v.tkey, v.ikey, word)] += 1 if v.new else -1
                vw["vid"].append(vid)
                vw["tkey"].append(v.tkey)
                vw["ikey"].append(v.ikey)
                vw["word"].append(word)
        touched = sorted(gain)
        _register(con, "_touch", {"tkey": [t[0] for t in touched], "ikey": [t[1] for t in touched],
                                  "word": [t[2] for t in touched], "n": [gain[t] for t in touched]})
        _register(con, "_vwords", vw)
        found: set[tuple[str, int]] = set()
        for lid, idx, vid, k, n in self.sql(f"""
            WITH touch AS (   -- the touched words references of the type hold
                SELECT * FROM _touch WHERE tkey IN (SELECT DISTINCT tkey FROM graph_ref_words)
            ), ref_blocks AS (
                SELECT DISTINCT tkey, ikey FROM graph_ref_words WHERE tkey IN (SELECT tkey FROM touch)
            ), touch_compat AS (
                SELECT r.tkey, r.ikey AS ref_ikey, t.ikey AS node_ikey
                FROM ref_blocks r JOIN (SELECT DISTINCT tkey, ikey FROM touch) t USING (tkey)
                WHERE {_SQL_COMPATIBLE.format(a="r.ikey", b="t.ikey")}
            ), fell AS (    -- words that left a block: an unread word can only reach the gap so
                SELECT DISTINCT tkey, word FROM touch WHERE n < 0
            ), rw AS (      -- the touched words of stored references that can matter, with their df change
                SELECT r.letter_id, r.idx, r.tkey, r.ikey, r.word, r.is_read, r.gap_df, r.gap_word,
                       sum(t.n) AS delta
                FROM (SELECT r.* FROM graph_ref_words r LEFT JOIN fell f USING (tkey, word)
                      WHERE r.is_read OR f.word IS NOT NULL) r
                JOIN touch_compat c ON c.tkey = r.tkey AND c.ref_ikey = r.ikey
                JOIN touch t ON t.tkey = r.tkey AND t.ikey = c.node_ikey AND t.word = r.word
                GROUP BY ALL
            ), tdf AS (     -- their df per block, now
                SELECT n.tkey, n.ikey, n.word, count(*) AS n FROM graph_node_words n
                JOIN (SELECT DISTINCT tkey, word FROM rw) w USING (tkey, word) GROUP BY ALL
            ), compat AS (
                SELECT r.tkey, r.ikey AS ref_ikey, b.ikey AS node_ikey
                FROM (SELECT DISTINCT tkey, ikey FROM rw) r
                JOIN (SELECT DISTINCT tkey, ikey FROM tdf) b USING (tkey)
                WHERE {_SQL_COMPATIBLE.format(a="r.ikey", b="b.ikey")}
            ), now AS (
                SELECT w.letter_id, w.idx, w.word, w.is_read, w.gap_df, w.gap_word, w.delta,
                       coalesce(sum(d.n), 0) AS df
                FROM rw w
                LEFT JOIN compat c ON c.tkey = w.tkey AND c.ref_ikey = w.ikey
                LEFT JOIN tdf d ON d.tkey = w.tkey AND d.ikey = c.node_ikey AND d.word = w.word
                GROUP BY ALL
            ), placed AS (
                SELECT *, (df < gap_df OR (df = gap_df AND word < gap_word)) AS below FROM now
            ), pairs AS (   -- changed nodes holding a read word, with the references reading it
                SELECT DISTINCT r.letter_id, r.idx, v.vid
                FROM rw r JOIN _vwords v ON v.tkey = r.tkey AND v.word = r.word
                JOIN touch_compat c ON c.tkey = r.tkey AND c.ref_ikey = r.ikey AND c.node_ikey = v.ikey
                WHERE r.is_read
            ), words AS (   -- every word of the references paired, and how many each has
                SELECT r.letter_id, r.idx, r.word, count(*) OVER (PARTITION BY r.letter_id, r.idx) AS n
                FROM graph_ref_words r JOIN (SELECT DISTINCT letter_id, idx FROM pairs) p USING (letter_id, idx)
            )
            SELECT DISTINCT letter_id, idx, NULL, NULL, NULL FROM placed
            WHERE (is_read AND (NOT below OR (df = 0 AND delta < 0) OR (delta > 0 AND df = delta)))
               OR (NOT is_read AND below)
            UNION ALL   -- those sharing at least three words: fit or not, by graph.py's test
            SELECT p.letter_id, p.idx, p.vid, count(*), any_value(w.n)
            FROM pairs p JOIN words w USING (letter_id, idx)
            JOIN _vwords v ON v.vid = p.vid AND v.word = w.word
            GROUP BY p.letter_id, p.idx, p.vid HAVING count(*) >= 3"""):
            if vid is None or (versions[vid].node_id != lid and G.overlap_fits(k, n, len(versions[vid].words))):
                found.add((lid, idx))
        return sorted(found)

    def _block_df(self, wanted: set[tuple[str, str]]) -> dict[tuple[str, str], list[tuple[str, int]]]:
        """(tkey, word) -> [(issuer key, document frequency)] over the blocks holding it."""
        if not wanted:
            return {}
        pairs = sorted(wanted)
        _register(self.con, "_wanted", {"tkey": [p[0] for p in pairs], "word": [p[1] for p in pairs]})
        df: dict[tuple[str, str], list[tuple[str, int]]] = defaultdict(list)
        for tkey, ikey, word, n in self.sql(
                "SELECT n.tkey, n.ikey, n.word, count(*) FROM graph_node_words n JOIN _wanted USING (tkey, word) "
                "GROUP BY ALL"):
            df[(tkey, word)].append((ikey, n))
        return df

    def _postings(self, want: set[tuple[str, str, str]]) -> dict[tuple[str, str, str], list[G.Node]]:
        """(tkey, ikey, word) -> the nodes holding the word in that block, as graph nodes."""
        postings: dict[tuple[str, str, str], list[G.Node]] = defaultdict(list)
        if not want:
            return postings
        con = self.con
        w = sorted(want)
        _register(con, "_want", {"tkey": [x[0] for x in w], "ikey": [x[1] for x in w], "word": [x[2] for x in w]})
        hits = self.sql("SELECT n.node_id, n.tkey, n.ikey, n.word FROM graph_node_words n "
                        "JOIN _want USING (tkey, ikey, word)")
        _register(con, "_hit_nodes", {"node_id": sorted({h[0] for h in hits})})
        words = dict(self.sql("SELECT node_id, list(word) FROM graph_node_words "
                              "WHERE node_id IN (SELECT node_id FROM _hit_nodes) GROUP BY node_id"))
        # What a lookup reads of a node: its words, date and label.
        nodes = {r[0]: G.Node(node_id=r[0], in_corpus=r[1], doc_type=r[2], number=r[3], symbol=r[4], issuer=r[5],
                              date=r[6], tokens=frozenset(words[r[0]])) for r in self.sql(
            "SELECT node_id, in_corpus, doc_type, number, symbol, issuer, date FROM nodes "
            "WHERE node_id IN (SELECT node_id FROM _hit_nodes)")}
        for node_id, tkey, ikey, word in hits:
            postings[(tkey, ikey, word)].append(nodes[node_id])
        return postings

    # -- links, u: nodes

    def _write_links(self, gone_links: list[tuple[Any, ...]]) -> list[tuple[str, int]]:
        """Write the links that changed and the `u:` nodes; returns the references whose links changed."""
        con = self.con
        keys = sorted(self.link)
        self.report.refs_resolved = len(keys)
        # The links as they were, of the references that were there (a new letter's are all new;
        # the old versions' links go with them).
        fresh = set(self.new_ids) | set(self.old_ids)
        before = [k for k in keys if k[0] not in fresh]
        _register(con, "_resolved", {"letter_id": [k[0] for k in before], "idx": [k[1] for k in before]})
        old = {(r[0], r[1]): r[2:] for r in self.sql(
            "SELECT letter_id, idx, node_id, method, confidence, evidence FROM reference_links "
            "JOIN _resolved USING (letter_id, idx)")} if before else {}
        changed = [k for k in keys if old.get(k) != (self.link[k].node_id, self.link[k].method,
                                                     self.link[k].confidence, self.link[k].evidence)]
        self.report.links_changed = len(changed) + len(gone_links)
        # Nodes losing or gaining a link; `u:` nodes of links that go or change.
        drop_u = {r[2] for r in gone_links if r[3] == "unresolved"}
        self.recount |= {r[2] for r in gone_links}
        for k in changed:
            if k in old:
                self.recount.add(old[k][0])
                if old[k][1] == "unresolved":
                    drop_u.add(old[k][0])
            self.recount.add(self.link[k].node_id)
        new_u = [self.u_nodes[self.link[k].node_id] for k in changed if self.link[k].method == "unresolved"]
        if drop_u or new_u:
            _register(con, "_drop_u", {"node_id": sorted(drop_u | {n.node_id for n in new_u})})
            con.execute("DELETE FROM nodes WHERE node_id IN (SELECT node_id FROM _drop_u)")
            _append_rows(con, "nodes", [dict(n.row(), n_cited=0) for n in new_u])
            self.recount |= {n.node_id for n in new_u}
        if self.old_ids:
            con.execute("DELETE FROM reference_links WHERE letter_id IN (SELECT letter_id FROM _old_ids)")
        if changed:
            _register(con, "_changed", {"letter_id": [k[0] for k in changed], "idx": [k[1] for k in changed]})
            con.execute("DELETE FROM reference_links USING _changed c "
                        "WHERE reference_links.letter_id = c.letter_id AND reference_links.idx = c.idx")
            _append_rows(con, "reference_links", [G.link_row(k[0], k[1], self.link[k]) for k in changed])
        return changed

    # -- step 4

    def _edges(self, changed: list[tuple[str, int]]) -> None:
        """Fold again every edge whose contributions can have changed: those won by a
        contribution that changed or went, and those the changed links make now."""
        con = self.con
        letters = sorted({k[0] for k in changed} | set(self.old_ids))
        if not letters:
            return
        _register(con, "_tl", {"letter_id": letters})
        # Stated edges of those letters (their describing or described reference may have changed).
        stating = self._stating("c.letter_id IN (SELECT letter_id FROM _tl)", join=False)
        # The edges won by a contribution that may have changed or gone: a changed reference's
        # own, a stating one's, or any of a letter gone; and the changed references' pairs now.
        won = sorted(set(changed) | {(r["letter_id"], r["idx"]) for r in stating[0]})
        _register(con, "_won", {"letter_id": [k[0] for k in won], "idx": [k[1] for k in won]})
        pairs = {(s, d) for s, d in self.sql(
            "SELECT src, dst FROM edges e JOIN _won w ON e.letter_id = w.letter_id AND e.ref_idx = w.idx" +
            (" UNION SELECT src, dst FROM edges WHERE letter_id IN (SELECT letter_id FROM _old_ids)"
             if self.old_ids else ""))}
        pairs |= {(k[0], self.link[k].node_id) for k in changed}
        for _, edge in G.edge_contributions(*stating):
            pairs.add((edge["src"], edge["dst"]))
        pairs = {p for p in pairs if p[0] != p[1]}
        if not pairs:
            return
        ordered = sorted(pairs)
        _register(con, "_pairs", {"src": [p[0] for p in ordered], "dst": [p[1] for p in ordered]})
        # Every contribution to those pairs: a letter's own references to dst, and the references
        # linked to src whose description states a relation.
        refs, link = self._stating("l.node_id IN (SELECT src FROM _pairs)")
        own = {(r[0], r[1]): G.Link(*r[2:]) for r in self.sql(
            "SELECT l.letter_id, l.idx, l.node_id, l.method, l.confidence, l.evidence FROM reference_links l "
            "JOIN _pairs p ON l.letter_id = p.src AND l.node_id = p.dst")}
        missing = sorted(k for k in own if k not in self.rows)
        if missing:
            _register(con, "_missing", {"letter_id": [k[0] for k in missing], "idx": [k[1] for k in missing]})
            for row in _rows(con, f"SELECT {', '.join(REF_COLS)} FROM citations JOIN _missing USING (letter_id, idx)"):
                self.rows[(row["letter_id"], row["idx"])] = row
        seen = {(r["letter_id"], r["idx"]) for r in refs}
        refs += [self.rows[k] for k in own if k not in seen]
        link.update(own)
        refs.sort(key=lambda r: (r["letter_id"], r["idx"]))
        contributions = sorted(((pos, e) for pos, e in G.edge_contributions(refs, link)
                                if (e["src"], e["dst"]) in pairs), key=lambda pe: pe[0])
        best = G.fold_edges(contributions)
        con.execute("DELETE FROM edges USING _pairs p WHERE edges.src = p.src AND edges.dst = p.dst")
        _append_rows(con, "edges", [best[p] for p in ordered if p in best])

    def _stating(self, where: str, join: bool = True) -> tuple[list[dict[str, Any]], dict[tuple[str, int], G.Link]]:
        """The references whose description states a relation (`cites`) that `where` selects
        over citations c (`join`: joined to reference_links l), with the links of their letters'
        references."""
        cols = ", ".join(f"c.{c}" for c in REF_COLS)
        joined = " JOIN reference_links l USING (letter_id, idx)" if join else ""
        rows = self.sql(f"SELECT {cols} FROM citations c{joined} "
                        f"WHERE len(c.cites_idx) > 0 AND {where} ORDER BY c.letter_id, c.idx")
        refs = [dict(zip(REF_COLS, r)) for r in rows]
        link: dict[tuple[str, int], G.Link] = {}
        if refs:
            _register(self.con, "_stating", {"letter_id": sorted({r["letter_id"] for r in refs})})
            for lid, idx, *rest in self.sql(
                    "SELECT letter_id, idx, node_id, method, confidence, evidence FROM reference_links "
                    "WHERE letter_id IN (SELECT letter_id FROM _stating)"):
                link[(lid, idx)] = G.Link(*rest)
        return refs, link

    def _recount(self) -> None:
        if not self.recount:
            return
        _register(self.con, "_recount", {"node_id": sorted(self.recount)})
        self.con.execute("""
            UPDATE nodes SET n_cited = c.n FROM (
                SELECT r.node_id, count(l.node_id) AS n FROM _recount r
                LEFT JOIN reference_links l ON l.node_id = r.node_id GROUP BY r.node_id
            ) c WHERE nodes.node_id = c.node_id AND nodes.n_cited IS DISTINCT FROM c.n""")
