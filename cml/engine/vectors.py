"""The vector index over one database's memories: exact when small, approximate when large.

Vectors live in SQLite (as float32 blobs); this index keeps each tenant's in one numpy matrix with
the fields retrieval filters on beside it. A tenant with fewer than `ApproximateIndex.threshold`
vectors, and every filtered search, is answered exactly: one matrix product plus a boolean mask,
so filters never starve the top-k. A larger tenant also gets an inverted-file index (faiss
IVF-Flat, see `ann.py`): a query scans the few lists nearest to it, plus, exactly, the vectors
written since the lists last took new rows in. Another process's writes are noticed through the
store's generation counter: the matrices are reloaded and the approximate index reconciled with
them (rows gone, changed or new), never rebuilt from scratch.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .ann import ApproximateIndex, approximate_available

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    from .storage import Store

__all__ = ["VectorIndex"]

logger = logging.getLogger("cml")

_GROW = 1.5
# Rows read from SQLite at a time when (re)loading the vectors.
_LOAD_SLICE = 65_536


class _Shelf:
    """One tenant's vectors, in write order, with their rowids and active flags."""

    def __init__(self, dim: int, capacity: int = 16) -> None:
        import numpy as np

        self.matrix: npt.NDArray[np.float32] = np.zeros((capacity, dim), dtype=np.float32)
        self.rowids: npt.NDArray[np.int64] = np.zeros(capacity, dtype=np.int64)
        self.active: npt.NDArray[np.bool_] = np.zeros(capacity, dtype=bool)
        self.size = 0
        self.ann: ApproximateIndex | None = None
        # Positions of active vectors the approximate index does not hold yet: scanned exactly.
        self.pending: list[int] = []

    def reserve(self, needed: int) -> None:
        import numpy as np

        capacity = self.matrix.shape[0]
        if needed <= capacity:
            return
        # Geometric growth: copying is amortised to a constant per vector.
        capacity = max(needed, int(capacity * _GROW) + 16)
        matrix = np.zeros((capacity, self.matrix.shape[1]), dtype=np.float32)
        matrix[: self.size] = self.matrix[: self.size]
        rowids = np.zeros(capacity, dtype=np.int64)
        rowids[: self.size] = self.rowids[: self.size]
        active = np.zeros(capacity, dtype=bool)
        active[: self.size] = self.active[: self.size]
        self.matrix, self.rowids, self.active = matrix, rowids, active

    def active_count(self) -> int:
        return int(self.active[: self.size].sum())


class VectorIndex:
    def __init__(self, store: Store, dim: int, *, approximate: bool | None = None) -> None:
        import numpy as np

        self._np = np
        self._store = store
        self._dim = dim
        self._lock = threading.RLock()
        self._generation = -1
        self._shelves: dict[str, _Shelf] = {}
        # rowid -> (tenant, position in that tenant's shelf)
        self._position: dict[int, tuple[str, int]] = {}
        #: Use the approximate index for large tenants (None: when faiss is installed).
        self.approximate = approximate_available() if approximate is None else approximate
        #: A tenant gets an approximate index from this many vectors on.
        self.threshold = ApproximateIndex.threshold
        #: Vectors written since the approximate index last took new rows, before it takes them.
        self.absorb_every = ApproximateIndex.absorb_every

    # -- loading and keeping in step -------------------------------------------------------------

    def _load(self) -> None:
        np = self._np
        width = self._dim * 4
        # Room for every row of each tenant (an index-only count): no regrowth while loading.
        shelves = {
            str(tenant): _Shelf(self._dim, max(int(count), 16))
            for tenant, count in self._store.execute(
                "SELECT tenant_id, COUNT(*) FROM memories GROUP BY tenant_id"
            )
        }
        position: dict[int, tuple[str, int]] = {}
        cursor = self._store.execute(
            "SELECT rowid, tenant_id, status = 'active', embedding FROM memories "
            "WHERE embedding IS NOT NULL"
        )
        # In slices: holding every blob at once would double the memory a large reload needs.
        while rows := cursor.fetchmany(_LOAD_SLICE):
            columns: dict[str, tuple[list[int], list[bool], list[bytes]]] = {}
            for rowid, tenant, active, blob in rows:
                if len(blob) != width:
                    continue  # written by another embedder; re-embedding is a separate job
                found = columns.get(tenant)
                if found is None:
                    found = columns[tenant] = ([], [], [])
                found[0].append(rowid)
                found[1].append(bool(active))
                found[2].append(blob)
            for tenant, (rowids, active, blobs) in columns.items():
                shelf = shelves.get(tenant)
                if shelf is None:  # a tenant whose first rows committed after the count
                    shelf = shelves[tenant] = _Shelf(self._dim)
                start, count = shelf.size, len(rowids)
                shelf.reserve(start + count)
                end = start + count
                shelf.matrix[start:end] = np.frombuffer(b"".join(blobs), dtype=np.float32).reshape(
                    count, self._dim
                )
                shelf.rowids[start:end] = rowids
                shelf.active[start:end] = active
                shelf.size = end
                position.update((rowid, (tenant, start + n)) for n, rowid in enumerate(rowids))
        shelves = {tenant: shelf for tenant, shelf in shelves.items() if shelf.size}
        # Keep what the approximate indexes already hold: reconcile them with the new rows.
        for tenant, shelf in shelves.items():
            old = self._shelves.get(tenant)
            if old is not None and old.ann is not None:
                shelf.ann = old.ann
            elif self.approximate and shelf.size >= self.threshold:
                shelf.ann = self._saved(tenant)
            if shelf.ann is not None:
                self._reconcile(shelf)
            else:
                shelf.pending = np.flatnonzero(shelf.active[: shelf.size]).tolist()
            self._maintain(shelf)
        self._shelves = shelves
        self._position = position

    def _reconcile(self, shelf: _Shelf) -> None:
        """Bring `shelf.ann` in line with the shelf's rows: drop rowids gone, inactive or
        re-embedded (their stored vector differs), queue the active rows it lacks."""
        np = self._np
        assert shelf.ann is not None
        size = shelf.size
        rowids = shelf.rowids[:size]
        order = np.argsort(rowids)
        ordered = rowids[order]
        held = np.zeros(size, dtype=bool)
        stale: list[Any] = []
        for ids, vectors in shelf.ann.contents():
            at = np.minimum(np.searchsorted(ordered, ids), max(size - 1, 0))
            if size == 0:
                stale.append(ids)
                continue
            positions = order[at]
            keep = (
                (rowids[positions] == ids)
                & shelf.active[positions]
                & np.all(shelf.matrix[positions] == vectors, axis=1)
            )
            held[positions[keep]] = True
            stale.append(ids[~keep])
        if stale:
            shelf.ann.remove(np.concatenate(stale))
        shelf.pending = np.flatnonzero(shelf.active[:size] & ~held).tolist()

    def _maintain(self, shelf: _Shelf) -> None:
        """Build, rebuild or feed the shelf's approximate index as the shelf grows.

        Built once the tenant holds `threshold` vectors, rebuilt (more lists) when it has grown
        eightfold since, fed its pending vectors `absorb_every` at a time: every vector is
        inserted a bounded number of times, so the cost per write stays constant.
        """
        np = self._np
        if not self.approximate:
            return
        count = shelf.active_count()
        if count < self.threshold:
            shelf.ann = None  # back to exact (a tenant that forgot most of its memories)
            shelf.pending = np.flatnonzero(shelf.active[: shelf.size]).tolist()
            return
        if shelf.ann is None or shelf.ann.outgrown(count):
            positions = np.flatnonzero(shelf.active[: shelf.size])
            shelf.ann = ApproximateIndex.trained(shelf.matrix[positions], self._dim)
            shelf.ann.add(shelf.rowids[positions], shelf.matrix[positions])
            shelf.pending = []
        elif len(shelf.pending) >= self.absorb_every:
            positions = np.asarray(shelf.pending, dtype=np.int64)
            positions = positions[shelf.active[positions]]
            shelf.ann.add(shelf.rowids[positions], shelf.matrix[positions])
            shelf.pending = []

    def sync(self, generation: int | None = None) -> None:
        """Reload when the database changed behind this index's back.

        The counter only grows. A reader whose snapshot is older than the index does not reload
        it backwards (readers on different snapshots would reload in turn, endlessly); it
        drops the newer rows itself, by looking the candidates up in its snapshot.
        """
        current = self._store.generation() if generation is None else generation
        with self._lock:
            if current > self._generation:
                self._load()
                self._generation = current

    def apply(
        self,
        before: int,
        after: int,
        *,
        tenant: str = "",
        added: Sequence[tuple[int, Any]] = (),
        deactivated: Iterable[int] = (),
        replaced: Sequence[tuple[int, Any]] = (),
    ) -> None:
        """Mirror this process's own committed write (generation `before` -> `after`).

        If the index was not at `before` (another process wrote too), it reloads on the next
        `sync` instead of guessing.
        """
        with self._lock:
            if self._generation >= after:
                return  # a reader already reloaded from a snapshot that includes this write
            if self._generation != before:
                self._generation = -1
                return
            self._generation = after
            if added:
                self.add([rowid for rowid, _ in added], tenant, [v for _, v in added])
            self.set_active(deactivated, False)
            for rowid, vector in replaced:
                found = self._position.get(int(rowid))
                if found is None:
                    continue
                shelf = self._shelves[found[0]]
                shelf.matrix[found[1]] = vector
                if shelf.ann is not None and shelf.active[found[1]]:
                    # The index holds the old vector: take it out, scan the new one exactly.
                    shelf.ann.remove(shelf.rowids[[found[1]]])
                    shelf.pending.append(found[1])

    def invalidate(self) -> None:
        with self._lock:
            self._generation = -1

    def add(self, rowids: Sequence[int], tenant: str, vectors: Any) -> None:
        with self._lock:
            shelf = self._shelves.get(tenant)
            if shelf is None:
                shelf = self._shelves[tenant] = _Shelf(self._dim)
            start = shelf.size
            shelf.reserve(start + len(rowids))
            end = start + len(rowids)
            shelf.matrix[start:end] = self._np.asarray(vectors, dtype=self._np.float32).reshape(
                len(rowids), self._dim
            )
            shelf.rowids[start:end] = rowids
            shelf.active[start:end] = True
            shelf.size = end
            for offset, rowid in enumerate(rowids):
                self._position[int(rowid)] = (tenant, start + offset)
            shelf.pending.extend(range(start, end))
            self._maintain(shelf)

    def set_active(self, rowids: Iterable[int], active: bool) -> None:
        with self._lock:
            touched: dict[str, list[int]] = {}
            for rowid in rowids:
                found = self._position.get(int(rowid))
                if found is None:
                    continue
                shelf = self._shelves[found[0]]
                if bool(shelf.active[found[1]]) == active:
                    continue
                shelf.active[found[1]] = active
                touched.setdefault(found[0], []).append(found[1])
            for tenant, positions in touched.items():
                shelf = self._shelves[tenant]
                if shelf.ann is None:
                    continue
                if active:
                    shelf.pending.extend(positions)
                else:
                    shelf.ann.remove(shelf.rowids[positions])
                self._maintain(shelf)

    def approximate_size(self, tenant: str) -> int:
        """How many vectors of `tenant` the approximate index holds (0: searched exactly)."""
        with self._lock:
            shelf = self._shelves.get(tenant)
            return 0 if shelf is None or shelf.ann is None else shelf.ann.size

    # -- persisting ------------------------------------------------------------------------------

    def _folder(self) -> Path | None:
        """Where the approximate indexes are saved: beside the database file."""
        if self._store.path == ":memory:":
            return None
        database = Path(self._store.path).expanduser()
        return database.with_name(database.name + ".vectors")

    def save(self) -> None:
        """Save every approximate index beside the database, so that the next process to open
        it reconciles them with the rows instead of rebuilding them (which takes minutes at a
        million vectors). Best effort: a read-only folder only costs the next open a rebuild."""
        folder = self._folder()
        with self._lock:
            saved = [(t, s.ann) for t, s in self._shelves.items() if s.ann and s.ann.changed]
            if folder is None or not saved:
                return
            try:
                folder.mkdir(exist_ok=True)
                for tenant, ann in saved:
                    ann.save(folder / _file_name(tenant, self._dim))
            except (OSError, RuntimeError):  # faiss reports a file it cannot write as RuntimeError
                logger.debug("could not save the vector index beside %s", folder, exc_info=True)

    def _saved(self, tenant: str) -> ApproximateIndex | None:
        folder = self._folder()
        if folder is None or not self.approximate:
            return None
        return ApproximateIndex.load(folder / _file_name(tenant, self._dim), self._dim)

    # -- searching -------------------------------------------------------------------------------

    def similarity(self, query: Any, rowids: Iterable[int]) -> dict[int, float]:
        """The cosine of `query` with each of `rowids` that the index holds."""
        np = self._np
        with self._lock:
            by_tenant: dict[str, list[tuple[int, int]]] = {}
            for r in rowids:
                found = self._position.get(int(r))
                if found is not None:
                    by_tenant.setdefault(found[0], []).append((int(r), found[1]))
            result: dict[int, float] = {}
            for tenant, pairs in by_tenant.items():
                positions = np.fromiter((p for _, p in pairs), dtype=np.int64, count=len(pairs))
                scores = _dot(self._shelves[tenant].matrix[positions], query)
                result.update(
                    (rowid, float(s)) for (rowid, _), s in zip(pairs, scores, strict=True)
                )
        return result

    def search(
        self, query: Any, tenant: str, k: int, allowed: set[int] | None = None
    ) -> list[tuple[int, float]]:
        """The `k` nearest active memories of `tenant`: (rowid, cosine) pairs, best first.

        `allowed`, when given, restricts the result to those rowids (already filtered in SQL);
        such a search is always exact.
        """
        return self.search_many([query], tenant, k, allowed)[0]

    def search_many(
        self,
        queries: Sequence[Any] | Any,
        tenant: str,
        k: int,
        allowed: set[int] | None = None,
        *,
        exact: bool = False,
        near: bool = False,
    ) -> list[list[tuple[int, float]]]:
        """`search` for several queries at once (one matrix product, one index query).

        `exact=True` scans every vector even where an approximate index exists (to measure it).
        `near=True` when only near-identical neighbours matter (the repeat check): the
        approximate index then scans far fewer of its lists.
        """
        np = self._np
        block = np.asarray(queries, dtype=np.float32).reshape(-1, self._dim)
        empty: list[list[tuple[int, float]]] = [[] for _ in range(len(block))]
        with self._lock:
            shelf = self._shelves.get(tenant)
            if shelf is None or shelf.size == 0 or k <= 0:
                return empty
            if shelf.ann is not None and allowed is None and not exact:
                return self._approximate(shelf, block, k, near)
            size = shelf.size
            mask = shelf.active[:size].copy()
            if allowed is not None:
                mask &= np.isin(shelf.rowids[:size], np.fromiter(allowed, dtype=np.int64))
            available = int(mask.sum())
            if available == 0:
                return empty
            # One product over the whole matrix is cheaper than gathering the masked rows first.
            scores = _products(shelf.matrix[:size], block)
            scores[:, ~mask] = -np.inf
            rowids = shelf.rowids[:size].copy()
        return _tops(rowids, scores, min(k, available))

    def _approximate(
        self, shelf: _Shelf, block: Any, k: int, near: bool
    ) -> list[list[tuple[int, float]]]:
        np = self._np
        assert shelf.ann is not None
        found_scores, found_rowids = shelf.ann.search(block, k, near=near)
        if shelf.pending:
            positions = np.asarray(shelf.pending, dtype=np.int64)
            positions = positions[shelf.active[positions]]
            tail_scores = _products(shelf.matrix[positions], block)
            found_scores = np.concatenate([found_scores, tail_scores], axis=1)
            tail_rowids = np.broadcast_to(shelf.rowids[positions], tail_scores.shape)
            found_rowids = np.concatenate([found_rowids, tail_rowids], axis=1)
        out = []
        for scores, rowids in zip(found_scores, found_rowids, strict=True):
            valid = rowids >= 0  # faiss pads with -1 when a list runs short
            out.append(_top(rowids[valid], scores[valid], min(k, int(valid.sum()))))
        return out


def _file_name(tenant: str, dim: int) -> str:
    # Hex: any tenant name becomes a safe file name, and two names never share one.
    return f"{tenant.encode('utf-8').hex() or 'default'}-{dim}.ivf"


def _tops(rowids: Any, scores: Any, take: int) -> list[list[tuple[int, float]]]:
    """The best `take` of each row of `scores` (queries x vectors): one partition for all."""
    import numpy as np

    if take <= 0:
        return [[] for _ in range(len(scores))]
    top = np.argpartition(-scores, take - 1, axis=1)[:, :take]
    best = np.take_along_axis(scores, top, axis=1)
    order = np.argsort(-best, axis=1, kind="stable")
    top = np.take_along_axis(top, order, axis=1)
    best = np.take_along_axis(best, order, axis=1)
    found = rowids[top]
    return [
        [(int(r), float(v)) for r, v in zip(ids, values, strict=True) if v > -np.inf]
        for ids, values in zip(found, best, strict=True)
    ]


def _top(rowids: Any, scores: Any, take: int) -> list[tuple[int, float]]:
    import numpy as np

    if take <= 0:
        return []
    top = np.argpartition(-scores, take - 1)[:take]
    top = top[np.argsort(-scores[top], kind="stable")]
    return [(int(rowids[i]), float(scores[i])) for i in top if scores[i] > -np.inf]


def _products(matrix: Any, block: Any) -> Any:
    """Every row of `matrix` times every query of `block`: (queries, rows)."""
    import numpy as np

    if len(block) == 1:
        return _dot(matrix, block[0]).reshape(1, -1)
    return np.asarray(block @ matrix.T, dtype=np.float32)


def _dot(matrix: Any, query: Any) -> Any:
    """Each row of `matrix` times `query`, on the calling thread.

    BLAS would spread one product over every core; with several readers at once (a server) its
    threads fight for the same cores: on 2 cores, two concurrent 100k x 384 products took 14 ms
    each with BLAS and 8.5 ms with einsum, and einsum is as fast as BLAS for a single reader.
    """
    import numpy as np

    return np.einsum("ij,j->i", matrix, np.asarray(query, dtype=np.float32).reshape(-1))
