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
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Iterable

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


def resolve(con: "duckdb.DuckDBPyConnection", changed: Iterable[str] = (), *, full: bool = False) -> Resolution:
    """Bring the graph tables in step with the letters (see `graph.resolve_store`)."""
    from congvan.pipeline import store

    t0 = time.perf_counter()
    if full or _stale(con):
        result = _rebuild(con)
    else:
        new_ids, old_ids = _changes(con, sorted(set(changed)))
        n_letters = con.execute("SELECT count(*) FROM letters").fetchone()[0]
        if not new_ids and not old_ids:
            result = Resolution("none")
        elif len(new_ids) + len(old_ids) > FULL_SHARE * n_letters:
            result = _rebuild(con)
        else:
            con.execute("BEGIN TRANSACTION")
            try:
                with G.no_gc():
                    result = _Update(con, new_ids, old_ids).run()
                con.execute("COMMIT")
            except BaseException:
                store.rollback(con)
                raise
            finally:
                _unregister(con)
    result.seconds = time.perf_counter() - t0
    return result


def _stale(con: "duckdb.DuckDBPyConnection") -> bool:
    """The lookup state was not written by these rules, or never (an empty graph_letters
    with letters in the store: a new, migrated or older store)."""
    row = con.execute("SELECT value FROM meta WHERE key = 'graph_version'").fetchone()
    if row is None or row[0] != GRAPH_VERSION:
        return True
    return con.execute("SELECT count(*) FROM graph_letters").fetchone()[0] == 0


def _changes(con: "duckdb.DuckDBPyConnection", changed: list[str]) -> tuple[list[str], list[str]]:
    """(letters to add: new, or written again; letters whose graph state goes: gone, or
    the old versions of those written again)."""
    new_ids = [r[0] for r in con.execute(
        "SELECT letter_id FROM letters WHERE letter_id NOT IN (SELECT letter_id FROM graph_letters) "
        "OR letter_id IN (SELECT unnest(?::VARCHAR[])) ORDER BY letter_id", [changed]).fetchall()]
    old_ids = [r[0] for r in con.execute(
        "SELECT node_id FROM nodes WHERE in_corpus AND (node_id NOT IN (SELECT letter_id FROM letters) "
        "OR node_id IN (SELECT unnest(?::VARCHAR[]))) ORDER BY node_id", [new_ids]).fetchall()]
    return new_ids, old_ids


# ------------------------------------------------------------------ full rebuild


def _rows(con: "duckdb.DuckDBPyConnection", sql: str, params: list[Any] | None = None) -> list[dict[str, Any]]:
    cur = con.execute(sql, params or [])
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, r)) for r in cur.fetchall()]


def _rebuild(con: "duckdb.DuckDBPyConnection") -> Resolution:
    from congvan.pipeline import store

    letters = _rows(con, f"SELECT {', '.join(LETTER_COLS)} FROM letters")
    refs = _rows(con, f"SELECT {', '.join(REF_COLS)} FROM citations")
    g = G.build_graph(letters, refs)
    con.execute("BEGIN TRANSACTION")
    try:
        for table in (*store.GRAPH_TABLES, *store.GRAPH_STATE_TABLES):
            con.execute(f"DELETE FROM {table}")
        store.append_rows(con, "nodes", [n.row() for n in sorted(g.nodes.values(), key=lambda n: n.node_id)])
        store.append_rows(con, "edges", g.edges)
        store.append_rows(con, "reference_links", g.links)
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
    cols: dict[str, list[Any]] = {k: [] for k in ("letter_id", "idx", "tkey", "ikey", "word", "is_read", "bound_df",
                                                  "bound_word")}
    for (lid, idx), plan in plans.items():
        for word in sorted(plan.tokens):
            cols["letter_id"].append(lid)
            cols["idx"].append(idx)
            cols["tkey"].append(plan.tkey)
            cols["ikey"].append(plan.ikey or "")
            cols["word"].append(word)
            cols["is_read"].append(word in plan.read)
            cols["bound_df"].append(plan.bound_df)
            cols["bound_word"].append(plan.bound_word)
    return cols


_TYPES = {"idx": "int32", "is_read": "bool_", "bound_df": "int32", "n": "int64", "lost": "bool_"}


def _arrow(cols: dict[str, list[Any]]) -> Any:
    import pyarrow as pa

    return pa.table({c: pa.array(v, type=getattr(pa, _TYPES.get(c, "string"))()) for c, v in cols.items()})


def _append(con: "duckdb.DuckDBPyConnection", table: str, cols: dict[str, list[Any]]) -> None:
    if not next(iter(cols.values())):
        return
    con.register("_append", _arrow(cols))
    try:
        con.execute(f"INSERT INTO {table} ({', '.join(cols)}) SELECT {', '.join(cols)} FROM _append")
    finally:
        con.unregister("_append")


_REGISTERED: set[str] = set()


def _register(con: "duckdb.DuckDBPyConnection", name: str, cols: dict[str, list[Any]]) -> str:
    con.register(name, _arrow(cols))
    _REGISTERED.add(name)
    return name


def _unregister(con: "duckdb.DuckDBPyConnection") -> None:
    for name in list(_REGISTERED):
        try:
            con.unregister(name)
        except Exception:  # noqa: BLE001 - a view already gone is what we want
            pass
        _REGISTERED.discard(name)


@lru_cache(maxsize=1 << 16)
def _compatible(a: str, b: str) -> bool:
    return G.issuers_compatible(a or None, b or None)


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

    def __init__(self, con: "duckdb.DuckDBPyConnection", new_ids: list[str], old_ids: list[str]) -> None:
        self.con = con
        self.new_ids, self.old_ids = new_ids, old_ids
        self.link: dict[tuple[str, int], G.Link] = {}          # new links of the references resolved again
        self.plans: dict[tuple[str, int], G.Plan] = {}
        self.u_nodes: dict[str, G.Node] = {}
        self.recount: set[str] = set()                          # nodes whose n_cited may have changed
        self.report = Resolution("incremental", letters_added=len(new_ids), letters_removed=len(old_ids))

    def sql(self, sql: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
        return self.con.execute(sql, params or []).fetchall()

    def run(self) -> Resolution:
        _register(self.con, "_new_ids", {"letter_id": self.new_ids})
        _register(self.con, "_old_ids", {"letter_id": self.old_ids})
        gone_links = self._gone()
        new_refs = _rows(self.con, f"SELECT {', '.join(REF_COLS)} FROM citations "
                                   "WHERE letter_id IN (SELECT letter_id FROM _new_ids)")
        changed = self._numbered(gone_links, new_refs)
        self._unnumbered(changed, new_refs)
        changed_letters = self._write_links(gone_links)
        self._edges(changed_letters)
        self._recount()
        self.con.execute("DELETE FROM graph_letters WHERE letter_id IN (SELECT letter_id FROM _new_ids) "
                         "OR letter_id IN (SELECT letter_id FROM _old_ids)")
        self.con.execute("INSERT INTO graph_letters SELECT letter_id FROM _new_ids")
        return self.report

    # -- what goes

    def _gone(self) -> list[tuple[Any, ...]]:
        """The links of the old versions' references (letter_id, idx, node_id, method, the
        target's number key); their reference rows are gone from `citations` already."""
        return self.sql("""
            SELECT l.letter_id, l.idx, l.node_id, l.method, n.number_key
            FROM reference_links l LEFT JOIN nodes n ON n.node_id = l.node_id
            WHERE l.letter_id IN (SELECT letter_id FROM _old_ids)""")

    # -- steps 1 and 2

    def _numbered(self, gone_links: list[tuple[Any, ...]], new_refs: list[dict[str, Any]]) -> list[_Version]:
        """Resolve again every number key the change touches; write the nodes that changed.
        Returns the versions of the nodes whose lookup-relevant facts changed."""
        con = self.con
        keys = {r["number_key"] for r in new_refs if r.get("number_key")}
        keys |= {r[0] for r in self.sql("SELECT number_key FROM letters WHERE letter_id IN (SELECT letter_id FROM _new_ids) "
                                        "UNION SELECT number_key FROM nodes WHERE node_id IN (SELECT letter_id FROM _old_ids)")}
        # An old numbered reference's key is its target's: a letter or external node of that key, or its own letter.
        keys |= {key for _, _, _, method, key in gone_links if method in ("identity", "external", "self")}
        keys.discard(None)
        self.report.keys = len(keys)
        _register(con, "_keys", {"number_key": sorted(keys)})

        letters = {row["letter_id"]: G.letter_node(row) for row in _rows(
            con, f"SELECT {', '.join(LETTER_COLS)} FROM letters WHERE number_key IN (SELECT number_key FROM _keys) "
                 "ORDER BY letter_id")}
        refs = sorted(_rows(con, f"SELECT {', '.join(REF_COLS)} FROM citations "
                                 "WHERE number_key IN (SELECT number_key FROM _keys)"),
                      key=lambda r: (r["letter_id"], r["idx"]))
        new_nodes: dict[str, G.Node] = dict(letters)
        new_nodes.update(G.resolve_numbered(letters, refs, self.link))
        # New letters without a number are nodes of no key.
        for row in _rows(con, f"SELECT {', '.join(LETTER_COLS)} FROM letters "
                              "WHERE letter_id IN (SELECT letter_id FROM _new_ids) AND number_key IS NULL"):
            new_nodes[row["letter_id"]] = G.letter_node(row)

        old_rows = {r["node_id"]: r for r in _rows(
            con, f"SELECT {', '.join(NODE_COLS)} FROM nodes WHERE number_key IN (SELECT number_key FROM _keys) "
                 "OR node_id IN (SELECT letter_id FROM _old_ids)")}
        _register(con, "_old_nodes", {"node_id": sorted(old_rows)})
        old_words: dict[str, tuple[str, str, set[str]]] = {}
        for node_id, tkey, ikey, word in self.sql(
                "SELECT node_id, tkey, ikey, word FROM graph_node_words WHERE node_id IN (SELECT node_id FROM _old_nodes)"):
            old_words.setdefault(node_id, (tkey, ikey, set()))[2].add(word)

        write, drop, rewords = [], [], []
        versions: list[_Version] = []
        for node_id in sorted(set(old_rows) | set(new_nodes)):
            old, node = old_rows.get(node_id), new_nodes.get(node_id)
            row = node.row() if node is not None else None
            if row is not None:
                row.pop("n_cited")
            if old != row:
                (write if row is not None else drop).append(node_id)
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

        _register(con, "_drop_nodes", {"node_id": drop + write})
        con.execute("DELETE FROM nodes WHERE node_id IN (SELECT node_id FROM _drop_nodes)")
        from congvan.pipeline import store

        store.append_rows(con, "nodes", [dict(new_nodes[i].row(), n_cited=0) for i in write])
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
        con.execute("DELETE FROM graph_ref_words WHERE letter_id IN (SELECT letter_id FROM _old_ids)")
        candidates = self._candidates(versions)
        # Every word of the candidates and of the new references, with its document frequency per block.
        new_words: dict[tuple[str, int], tuple[str, str, frozenset[str]]] = {}
        for ref in new_refs:
            tokens = G.subject_tokens(G._ref_subject(ref))
            tkey = G._doc_type_key(ref.get("doc_type"))
            if G.subject_eligible(tkey, tokens):
                new_words[(ref["letter_id"], ref["idx"])] = (tkey, G.issuer_key(ref.get("issuer")) or "", tokens)
        stored: dict[tuple[str, int], dict[str, Any]] = {}
        if candidates:
            _register(con, "_cand", {"letter_id": [k[0] for k in candidates], "idx": [k[1] for k in candidates]})
            for lid, idx, tkey, ikey, word, is_read, bdf, bword in self.sql("""
                    SELECT letter_id, idx, tkey, ikey, word, is_read, bound_df, bound_word
                    FROM graph_ref_words JOIN _cand USING (letter_id, idx)"""):
                s = stored.setdefault((lid, idx), {"tkey": tkey, "ikey": ikey, "words": set(), "read": set(),
                                                   "bound": (bdf, bword)})
                s["words"].add(word)
                if is_read:
                    s["read"].add(word)
        wanted: set[tuple[str, str]] = {(s["tkey"], w) for s in stored.values() for w in s["words"]}
        wanted |= {(tkey, w) for tkey, _, words in new_words.values() for w in words}
        df = self._block_df(wanted)

        def df_of(tkey: str, ikey: str) -> Any:
            def f(word: str) -> int:
                return sum(n for other, n in df.get((tkey, word), ()) if _compatible(ikey, other))
            return f

        # A candidate is resolved again when its read words changed, when a changed node
        # holding one of them fits it in either version, or when the lookup's emptiness
        # changed; otherwise only its bound is brought up to date.
        holders: dict[tuple[str, str], list[_Version]] = defaultdict(list)
        for v in versions:
            for word in v.words:
                holders[(v.tkey, word)].append(v)
        again: set[tuple[str, int]] = set()
        rebound: dict[tuple[str, int], tuple[int, str | None]] = {}
        for key, s in stored.items():
            tkey, ikey, words = s["tkey"], s["ikey"], frozenset(s["words"])
            f = df_of(tkey, ikey)
            read, bound = G.read_plan(words, f)
            if set(read) != s["read"]:
                again.add(key)
                continue
            emptiness = [False, False]   # some read word in a compatible block, after and before
            hit = False
            for word in read:
                now = f(word)
                delta = 0
                for v in holders.get((tkey, word), ()):
                    if not _compatible(ikey, v.ikey):
                        continue
                    delta += 1 if v.new else -1
                    if v.node_id != key[0] and G.overlap_fits(len(words & v.words), len(words), len(v.words)):
                        hit = True
                emptiness[0] |= now > 0
                emptiness[1] |= now - delta > 0
            if hit or emptiness[0] != emptiness[1]:
                again.add(key)
            elif bound != s["bound"]:
                rebound[key] = bound
        if rebound:
            keys = sorted(rebound)
            _register(con, "_rebound", {"letter_id": [k[0] for k in keys], "idx": [k[1] for k in keys],
                                        "bound_df": [rebound[k][0] for k in keys],
                                        "bound_word": [rebound[k][1] for k in keys]})
            con.execute("""UPDATE graph_ref_words SET bound_df = b.bound_df, bound_word = b.bound_word
                           FROM _rebound b WHERE graph_ref_words.letter_id = b.letter_id
                           AND graph_ref_words.idx = b.idx""")

        # The references to resolve: the new letters' and the candidates found affected.
        todo = sorted(again)
        if todo:
            _register(con, "_again", {"letter_id": [k[0] for k in todo], "idx": [k[1] for k in todo]})
            con.execute("DELETE FROM graph_ref_words USING _again a "
                        "WHERE graph_ref_words.letter_id = a.letter_id AND graph_ref_words.idx = a.idx")
        letters_of = sorted({k[0] for k in todo})
        _register(con, "_again_letters", {"letter_id": letters_of})
        siblings = _rows(con, f"SELECT {', '.join(REF_COLS)} FROM citations "
                              "WHERE letter_id IN (SELECT letter_id FROM _again_letters)")
        rows = {(r["letter_id"], r["idx"]): r for r in siblings}
        rows.update({(r["letter_id"], r["idx"]): r for r in new_refs})
        dates = dict(self.sql("SELECT letter_id, issued FROM letters WHERE letter_id IN "
                              "(SELECT letter_id FROM _again_letters UNION SELECT letter_id FROM _new_ids)"))
        not_after = G.references_not_after([*siblings, *new_letter_refs])
        targets = [rows[k] for k in todo] + list(new_refs)

        # Read each lookup's postings from the store, then resolve with graph.py's code.
        looked = {**{k: (stored[k]["tkey"], stored[k]["ikey"], frozenset(stored[k]["words"])) for k in todo},
                  **new_words}
        reads: dict[tuple[str, int], tuple[str, ...]] = {}
        want: set[tuple[str, str, str]] = set()
        for key, (tkey, ikey, words) in looked.items():
            read, _ = G.read_plan(words, df_of(tkey, ikey))
            reads[key] = read
            for word in read:
                want |= {(tkey, other, word) for other, n in df.get((tkey, word), ()) if _compatible(ikey, other)}
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
        """The stored references a changed node touches at a read word, or at a word whose
        df fell so that its key may now be within the reference's bound."""
        if not versions:
            return []
        con = self.con
        gain: dict[tuple[str, str, str], int] = defaultdict(int)
        for v in versions:
            for word in v.words:
                gain[(v.tkey, v.ikey, word)] += 1 if v.new else -1
        touched = sorted(gain)
        _register(con, "_touch", {"tkey": [t[0] for t in touched], "ikey": [t[1] for t in touched],
                                  "word": [t[2] for t in touched], "lost": [gain[t] < 0 for t in touched]})
        lost_df = self.sql("""
            SELECT n.tkey, n.ikey, n.word, count(*) FROM graph_node_words n
            JOIN (SELECT DISTINCT tkey, word FROM _touch WHERE lost) t USING (tkey, word) GROUP BY ALL""")
        _register(con, "_lost_df", {"tkey": [r[0] for r in lost_df], "ikey": [r[1] for r in lost_df],
                                    "word": [r[2] for r in lost_df], "n": [r[3] for r in lost_df]})
        tkeys = sorted({t[0] for t in touched})
        node_ikeys: dict[str, set[str]] = defaultdict(set)
        for tkey, ikey, _ in touched:
            node_ikeys[tkey].add(ikey)
        for tkey, ikey, _, _ in lost_df:
            node_ikeys[tkey].add(ikey)
        pairs: dict[str, list[Any]] = {"tkey": [], "ref_ikey": [], "node_ikey": []}
        for tkey, ref_ikey in self.sql("SELECT DISTINCT tkey, ikey FROM graph_ref_words "
                                       "WHERE tkey IN (SELECT unnest(?::VARCHAR[]))", [tkeys]):
            for node_ikey in sorted(node_ikeys[tkey]):
                if _compatible(ref_ikey, node_ikey):
                    pairs["tkey"].append(tkey)
                    pairs["ref_ikey"].append(ref_ikey)
                    pairs["node_ikey"].append(node_ikey)
        _register(con, "_compat", pairs)
        return [(r[0], r[1]) for r in self.sql("""
            WITH hit AS (
                SELECT r.letter_id, r.idx, r.tkey, r.ikey, r.word, r.is_read, r.bound_df, r.bound_word, t.lost
                FROM graph_ref_words r
                JOIN _compat c ON c.tkey = r.tkey AND c.ref_ikey = r.ikey
                JOIN _touch t ON t.tkey = r.tkey AND t.ikey = c.node_ikey AND t.word = r.word
            ), fell AS (
                SELECT DISTINCT letter_id, idx, tkey, ikey, word, bound_df, bound_word FROM hit
                WHERE NOT is_read AND lost
            ), now AS (
                SELECT f.letter_id, f.idx, f.word, f.bound_df, f.bound_word, coalesce(sum(d.n), 0) AS df
                FROM fell f
                LEFT JOIN _compat c ON c.tkey = f.tkey AND c.ref_ikey = f.ikey
                LEFT JOIN _lost_df d ON d.tkey = f.tkey AND d.ikey = c.node_ikey AND d.word = f.word
                GROUP BY ALL
            )
            SELECT letter_id, idx FROM hit WHERE is_read
            UNION
            SELECT letter_id, idx FROM now
            WHERE df < bound_df OR (df = bound_df AND (bound_word IS NULL OR word <= bound_word))
            ORDER BY 1, 2""")]

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
        w = sorted(want)
        _register(self.con, "_want", {"tkey": [x[0] for x in w], "ikey": [x[1] for x in w], "word": [x[2] for x in w]})
        hits = self.sql("SELECT n.node_id, n.tkey, n.ikey, n.word FROM graph_node_words n "
                        "JOIN _want USING (tkey, ikey, word) ORDER BY n.node_id")
        _register(self.con, "_hit_nodes", {"node_id": sorted({h[0] for h in hits})})
        words: dict[str, set[str]] = defaultdict(set)
        for node_id, word in self.sql("SELECT node_id, word FROM graph_node_words "
                                      "WHERE node_id IN (SELECT node_id FROM _hit_nodes)"):
            words[node_id].add(word)
        nodes: dict[str, G.Node] = {}
        for row in _rows(self.con, f"SELECT {', '.join(NODE_COLS)} FROM nodes "
                                   "WHERE node_id IN (SELECT node_id FROM _hit_nodes)"):
            row.pop("label")
            nodes[row["node_id"]] = G.Node(**row, tokens=frozenset(words[row["node_id"]]))
        for node_id, tkey, ikey, word in hits:
            postings[(tkey, ikey, word)].append(nodes[node_id])
        return postings

    # -- links, u: nodes

    def _write_links(self, gone_links: list[tuple[Any, ...]]) -> set[str]:
        """Write the links that changed and the `u:` nodes; returns the letters whose links changed."""
        con = self.con
        keys = sorted(self.link)
        self.report.refs_resolved = len(keys)
        _register(con, "_resolved", {"letter_id": [k[0] for k in keys], "idx": [k[1] for k in keys]})
        old = {(r[0], r[1]): r[2:] for r in self.sql(
            "SELECT letter_id, idx, node_id, method, confidence, evidence FROM reference_links "
            "JOIN _resolved USING (letter_id, idx) WHERE letter_id NOT IN (SELECT letter_id FROM _old_ids)")}
        changed = [k for k in keys if old.get(k) != (lambda lk: (lk.node_id, lk.method, lk.confidence, lk.evidence))(
            self.link[k])]
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
        _register(con, "_drop_u", {"node_id": sorted(drop_u | {n.node_id for n in new_u})})
        con.execute("DELETE FROM nodes WHERE node_id IN (SELECT node_id FROM _drop_u)")
        from congvan.pipeline import store

        store.append_rows(con, "nodes", [dict(n.row(), n_cited=0) for n in new_u])
        self.recount |= {n.node_id for n in new_u}

        con.execute("DELETE FROM reference_links WHERE letter_id IN (SELECT letter_id FROM _old_ids)")
        _register(con, "_changed", {"letter_id": [k[0] for k in changed], "idx": [k[1] for k in changed]})
        con.execute("DELETE FROM reference_links USING _changed c "
                    "WHERE reference_links.letter_id = c.letter_id AND reference_links.idx = c.idx")
        store.append_rows(con, "reference_links", [G.link_row(k[0], k[1], self.link[k]) for k in changed])
        return {k[0] for k in changed} | set(self.old_ids) | set(self.new_ids)

    # -- step 4

    def _edges(self, letters: set[str]) -> None:
        """Fold again the edges the letters whose links changed won, and those they make now."""
        con = self.con
        _register(con, "_tl", {"letter_id": sorted(letters)})
        pairs = {(s, d) for s, d in self.sql("SELECT src, dst FROM edges WHERE letter_id IN (SELECT letter_id FROM _tl)")}
        for _, edge in self._contributions("SELECT letter_id FROM _tl"):
            pairs.add((edge["src"], edge["dst"]))
        if not pairs:
            return
        srcs = sorted({s for s, _ in pairs})
        _register(con, "_srcs", {"node_id": srcs})
        # Who can contribute to an edge from src: src itself (a letter citing), and the letters
        # with a reference linked to src whose description states a relation.
        contributions = sorted(
            ((pos, e) for pos, e in self._contributions("""
                SELECT letter_id FROM letters WHERE letter_id IN (SELECT node_id FROM _srcs)
                UNION SELECT l.letter_id FROM reference_links l JOIN citations c USING (letter_id, idx)
                WHERE l.node_id IN (SELECT node_id FROM _srcs) AND len(c.cites_idx) > 0""")
             if (e["src"], e["dst"]) in pairs), key=lambda pe: pe[0])
        best = G.fold_edges(contributions)
        ordered = sorted(pairs)
        _register(con, "_pairs", {"src": [p[0] for p in ordered], "dst": [p[1] for p in ordered]})
        con.execute("DELETE FROM edges USING _pairs p WHERE edges.src = p.src AND edges.dst = p.dst")
        from congvan.pipeline import store

        store.append_rows(con, "edges", [best[p] for p in ordered if p in best])

    def _contributions(self, letters_sql: str) -> list[tuple[tuple[str, int, int], dict[str, Any]]]:
        """Every edge contribution of the letters `letters_sql` selects, from the store as it is now."""
        con = self.con
        refs = _rows(con, f"SELECT {', '.join(REF_COLS)} FROM citations WHERE letter_id IN ({letters_sql}) "
                          "ORDER BY letter_id, idx")
        link = {(r[0], r[1]): G.Link(*r[2:]) for r in self.sql(
            "SELECT letter_id, idx, node_id, method, confidence, evidence FROM reference_links "
            f"WHERE letter_id IN ({letters_sql})")}
        return list(G.edge_contributions(refs, link))

    def _recount(self) -> None:
        if not self.recount:
            return
        _register(self.con, "_recount", {"node_id": sorted(self.recount)})
        self.con.execute("""
            UPDATE nodes SET n_cited = c.n FROM (
                SELECT r.node_id, count(l.node_id) AS n FROM _recount r
                LEFT JOIN reference_links l ON l.node_id = r.node_id GROUP BY r.node_id
            ) c WHERE nodes.node_id = c.node_id AND nodes.n_cited IS DISTINCT FROM c.n""")
