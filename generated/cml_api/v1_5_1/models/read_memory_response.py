from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.memory_item import MemoryItem
    from ..models.retrieval_meta import RetrievalMeta


T = TypeVar("T", bound="ReadMemoryResponse")


@_attrs_define
class ReadMemoryResponse:
    """The answer to a recall. `memories` always holds every result; the categorised lists are filled only for the `packet`
    format, and `llm_context` only for the `llm_context` format.

    """

    elapsed_ms: float
    """ Time the server spent on retrieval, in milliseconds. """
    memories: list[MemoryItem]
    """ All results, best first. """
    query: str
    """ The query, echoed back. """
    total_count: int
    """ Number of results. """
    constraints: list[MemoryItem] | Unset = UNSET
    """ Results that are rules the agent must respect (packet format). """
    episodes: list[MemoryItem] | Unset = UNSET
    """ Results that are episodes or events (packet format). """
    facts: list[MemoryItem] | Unset = UNSET
    """ Results that are semantic facts (packet format). """
    llm_context: None | str | Unset = UNSET
    """ Markdown ready to place in a prompt, starting with `# Retrieved Memory Context` (llm_context format only).
    """
    preferences: list[MemoryItem] | Unset = UNSET
    """ Results that are user preferences (packet format). """
    retrieval_meta: None | RetrievalMeta | Unset = UNSET
    """ Diagnostic details of how retrieval ran; their shape is not fixed. """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.retrieval_meta import RetrievalMeta  # noqa: PLC0415

        elapsed_ms = self.elapsed_ms

        memories = []
        for memories_item_data in self.memories:
            memories_item = memories_item_data.to_dict()
            memories.append(memories_item)

        query = self.query

        total_count = self.total_count

        constraints: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.constraints, Unset):
            constraints = []
            for constraints_item_data in self.constraints:
                constraints_item = constraints_item_data.to_dict()
                constraints.append(constraints_item)

        episodes: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.episodes, Unset):
            episodes = []
            for episodes_item_data in self.episodes:
                episodes_item = episodes_item_data.to_dict()
                episodes.append(episodes_item)

        facts: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.facts, Unset):
            facts = []
            for facts_item_data in self.facts:
                facts_item = facts_item_data.to_dict()
                facts.append(facts_item)

        llm_context: None | str | Unset
        if isinstance(self.llm_context, Unset):
            llm_context = UNSET
        else:
            llm_context = self.llm_context

        preferences: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.preferences, Unset):
            preferences = []
            for preferences_item_data in self.preferences:
                preferences_item = preferences_item_data.to_dict()
                preferences.append(preferences_item)

        retrieval_meta: dict[str, Any] | None | Unset
        if isinstance(self.retrieval_meta, Unset):
            retrieval_meta = UNSET
        elif isinstance(self.retrieval_meta, RetrievalMeta):
            retrieval_meta = self.retrieval_meta.to_dict()
        else:
            retrieval_meta = self.retrieval_meta

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "elapsed_ms": elapsed_ms,
                "memories": memories,
                "query": query,
                "total_count": total_count,
            }
        )
        if constraints is not UNSET:
            field_dict["constraints"] = constraints
        if episodes is not UNSET:
            field_dict["episodes"] = episodes
        if facts is not UNSET:
            field_dict["facts"] = facts
        if llm_context is not UNSET:
            field_dict["llm_context"] = llm_context
        if preferences is not UNSET:
            field_dict["preferences"] = preferences
        if retrieval_meta is not UNSET:
            field_dict["retrieval_meta"] = retrieval_meta

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.memory_item import MemoryItem  # noqa: PLC0415
        from ..models.retrieval_meta import RetrievalMeta  # noqa: PLC0415

        d = dict(src_dict)
        elapsed_ms = d.pop("elapsed_ms")

        memories = []
        _memories = d.pop("memories")
        for memories_item_data in _memories:
            memories_item = MemoryItem.from_dict(memories_item_data)

            memories.append(memories_item)

        query = d.pop("query")

        total_count = d.pop("total_count")

        _constraints = d.pop("constraints", UNSET)
        constraints: list[MemoryItem] | Unset = UNSET
        if _constraints is not UNSET:
            constraints = []
            for constraints_item_data in _constraints:
                constraints_item = MemoryItem.from_dict(constraints_item_data)

                constraints.append(constraints_item)

        _episodes = d.pop("episodes", UNSET)
        episodes: list[MemoryItem] | Unset = UNSET
        if _episodes is not UNSET:
            episodes = []
            for episodes_item_data in _episodes:
                episodes_item = MemoryItem.from_dict(episodes_item_data)

                episodes.append(episodes_item)

        _facts = d.pop("facts", UNSET)
        facts: list[MemoryItem] | Unset = UNSET
        if _facts is not UNSET:
            facts = []
            for facts_item_data in _facts:
                facts_item = MemoryItem.from_dict(facts_item_data)

                facts.append(facts_item)

        def _parse_llm_context(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        llm_context = _parse_llm_context(d.pop("llm_context", UNSET))

        _preferences = d.pop("preferences", UNSET)
        preferences: list[MemoryItem] | Unset = UNSET
        if _preferences is not UNSET:
            preferences = []
            for preferences_item_data in _preferences:
                preferences_item = MemoryItem.from_dict(preferences_item_data)

                preferences.append(preferences_item)

        def _parse_retrieval_meta(data: object) -> None | RetrievalMeta | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                retrieval_meta_type_0 = RetrievalMeta.from_dict(data)

                return retrieval_meta_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | RetrievalMeta | Unset, data)

        retrieval_meta = _parse_retrieval_meta(d.pop("retrieval_meta", UNSET))

        read_memory_response = cls(
            elapsed_ms=elapsed_ms,
            memories=memories,
            query=query,
            total_count=total_count,
            constraints=constraints,
            episodes=episodes,
            facts=facts,
            llm_context=llm_context,
            preferences=preferences,
            retrieval_meta=retrieval_meta,
        )

        read_memory_response.additional_properties = d
        return read_memory_response

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
