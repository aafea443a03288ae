"""Search: type a situation as a pattern, get the moments where it holds, open each one.

The pattern language is in docs/patterns.md; the search runs `queries.patterns.find`.
Results: a strip per take, the moments as a table with deep links, thumbnails of their
first frames, and CSV / moment-set downloads. `?q=PATTERN` links straight to a search.
"""

from __future__ import annotations

import json

import streamlit as st

from orgraph.core.errors import OrgraphError
from orgraph.core.vocabulary import ENTITIES, RELATIONS, SPLITS
from orgraph.dashboard import data
from orgraph.dashboard.context import media_root, run_page
from orgraph.dashboard.moment_links import frame_url, linked
from orgraph.dashboard.moment_strip import strip
from orgraph.dashboard.search_data import Found, search
from orgraph.dashboard.selection import open_frame
from orgraph.dashboard.thumbnails import THUMB_WIDTH, thumbnail
from orgraph.queries import moments as moment_files
from orgraph.queries.patterns import FilterError, PatternError
from orgraph.queries.patterns.names import closest, suggestions

EXAMPLES = {
    "Scalpel in hand": "head_surgeon holding scalpel",
    "Holding while the assistant watches a screen": "head_surgeon holding * & assistant looking *",
    "Handover": "?a holding ?x then ?b holding ?x within 2s",
    "Anesthetist away from the patient > 10 s": "anesthetist * * & !anesthetist closeto patient "
    "for > 10s",
    "Needle, then insertion": "head_surgeon holding needle for >= 1s then head_surgeon * patient "
    "within 3s",
}
ANY = "(any)"
THUMBS = 12
PATTERN_KEY = "se_pattern"


def _set_pattern(text: str) -> None:
    st.session_state[PATTERN_KEY] = text


def with_name(text: str, name: str) -> str:
    """The pattern with `name` added: it completes the last word when that word begins it."""
    words = text.split()
    if words and name.startswith(words[-1].lower()) and words[-1].lower() != name:
        words[-1] = name
    else:
        words.append(name)
    return " ".join(words)


def _append_name() -> None:
    name = st.session_state.get("se_name")
    if name and name != ANY:
        st.session_state[PATTERN_KEY] = with_name(st.session_state.get(PATTERN_KEY, ""), name)
        st.session_state["se_name"] = ANY


def pattern_box() -> str:
    """Examples, the pattern input (seeded from ?q=), and names to insert."""
    query = st.query_params.get("q")
    if query and st.session_state.get("_se_q") != query:
        st.session_state[PATTERN_KEY] = st.session_state["_se_q"] = query
    st.session_state.setdefault(PATTERN_KEY, "")
    cols = st.columns(len(EXAMPLES))
    for i, (label, text) in enumerate(EXAMPLES.items()):
        cols[i].button(label, key=f"se_ex_{i}", on_click=_set_pattern, args=(text,), help=text)
    left, right = st.columns([3, 1], vertical_alignment="bottom")
    text = left.text_input(
        "Pattern",
        key=PATTERN_KEY,
        placeholder="e.g. ?a holding ?x then ?b holding ?x within 2s",
        help="SUBJECT RELATION OBJECT triplets; & = same frames, ! = not, `for >= 3s`, "
        "`A then B within 2s`; * = any, ?x = a variable. Raw spellings (closeTo) work.",
    )
    right.selectbox(
        "Insert a name (type to filter)",
        [ANY, *ENTITIES, *RELATIONS, "*", "&", "!", "then", "within", "for >="],
        key="se_name",
        on_change=_append_name,
    )
    last = text.split()[-1] if text.split() else ""
    if last and not last.startswith(("?", "*", "&", "!")) and len(last) >= 2:
        names = [n for n in suggestions(last) if n != last] or closest(last, "entity")
        if names:
            st.caption(
                "Names starting like the last word: " + ", ".join(f"`{n}`" for n in names[:8])
            )
    return text.strip()


def filters() -> tuple[tuple[str, ...], str | None, str | None, int | None]:
    """Takes, surgery type, split and gap tolerance chosen by the user."""
    takes_df = data.takes()
    c1, c2, c3, c4 = st.columns([3, 1, 1, 1])
    takes = c1.multiselect("Takes (none = all)", list(takes_df["take"]), key="se_takes")
    surgery = c2.selectbox("Surgery type", [ANY, *sorted(takes_df["surgery_type"].unique())])
    split = c3.selectbox("Split", [ANY, *SPLITS], key="se_split")
    gap = c4.number_input(
        "Gap tolerance (frames)",
        0,
        60,
        0,
        key="se_gap",
        help="Unannotated frames a moment may bridge (an annotated frame without the "
        "situation always ends it).",
    )
    return (
        tuple(takes),
        None if surgery == ANY else surgery,
        None if split == ANY else split,
        int(gap),
    )


def show_cypher(found: Found) -> None:
    """The statements the search ran, with their parameters, on request."""
    with st.expander("Generated Cypher", expanded=False):
        for text, params in found.statements:
            st.code(f"{text}\n// params: {json.dumps(params)}", language="cypher")


def results_table(found: Found) -> None:
    """Every moment as a row, with its deep link first."""
    table = found.moments.drop(columns=["steps"]).copy()
    table["start_time"] = table["start_time"].round(3)
    table["end_time"] = table["end_time"].round(3)
    table["bindings"] = [", ".join(f"?{k}={v}" for k, v in b.items()) for b in table["bindings"]]
    table["steps"] = [" then ".join(f"{a}-{b}" for a, b in s) for s in found.moments["steps"]]
    if not any(table["bindings"]):
        table = table.drop(columns="bindings")  # no variable in the pattern
    if all(len(s) == 1 for s in found.moments["steps"]):
        table = table.drop(columns="steps")  # no `then`
    shown, config = linked(table, take="take", frame="start_frame")
    st.dataframe(shown, hide_index=True, column_config=config, key="se_table")


def thumbnails(found: Found) -> None:
    """The first moments as cards: ego thumbnail of the first frame and an Open button."""
    total = len(found.moments)
    first = 1
    if total > THUMBS:
        first = int(
            st.number_input(
                "First moment shown below",
                1,
                total,
                1,
                step=THUMBS,
                key="se_first",
                help=f"Thumbnails show {THUMBS} moments at a time, in the table's order.",
            )
        )
    shown = found.moments.iloc[first - 1 : first - 1 + THUMBS]
    st.markdown(
        f"**Moments {first}-{first + len(shown) - 1}** of {total} (first frame, egocentric view)"
    )
    cols = st.columns(6)
    root = media_root()
    for i, m in enumerate(shown.to_dict("records")):
        col = cols[i % 6]
        pointer = data.frame_pointer(m["take"], int(m["start_frame"]))
        prefer = tuple(m["bindings"].values())
        thumb = (
            thumbnail(str(pointer["file"]), root, m["take"], m["start_frame"], prefer)
            if pointer
            else "frame not stored"
        )
        label = f"{m['take']} · {m['start_frame']}-{m['end_frame']}"
        if isinstance(thumb, str):
            col.info(f"{label}: {thumb}")
        else:
            col.image(thumb[1], caption=f"{label} ({thumb[0]})", width=THUMB_WIDTH)
        target = (m["take"], int(m["start_frame"]))
        if col.button("Open ▸", key=f"se_open_{i}", help=frame_url(*target)):
            open_frame(*target)


def downloads(pattern: str, found: Found) -> None:
    """The moments as CSV and as a moment-set file."""
    table = found.moments.copy()
    table["bindings"] = [json.dumps(b) for b in table["bindings"]]
    table["steps"] = [json.dumps(s) for s in table["steps"]]
    moment_set = moment_files.new_set(pattern, found.moments, found.filters, found.gap_tolerance)
    c1, c2 = st.columns(2)
    c1.download_button(
        "Download moments (CSV)",
        table.to_csv(index=False),
        file_name="moments.csv",
        mime="text/csv",
        key="se_csv",
    )
    c2.download_button(
        "Download moment set (JSON)",
        json.dumps(moment_set.to_json(), indent=2),
        file_name="moments.json",
        mime="application/json",
        key="se_json",
        help="For `orgraph export OUT_DIR --moments moments.json`",
    )


def render() -> None:
    """Pattern and filters, then the moments: strip, table, thumbnails, downloads."""
    pattern = pattern_box()
    takes, surgery, split, gap = filters()
    if not pattern:
        st.info("Type a pattern, or click an example above. See docs/patterns.md for the language.")
        return
    st.query_params["q"] = st.session_state["_se_q"] = pattern  # only a new URL wins later
    try:
        found = search(pattern, takes, surgery, split, gap)
    except PatternError as exc:
        st.error(f"**The pattern has a problem:** {exc.line}")
        st.code(str(exc).split("\n", 1)[1], language=None)
        return
    except FilterError as exc:
        st.error(f"**The filters have a problem:** {exc}")
        return
    show_cypher(found)
    if found.moments.empty:
        st.warning("No moment matches this pattern with these filters.")
        return
    st.success(f"**{found.total}** moments in **{found.takes_matched}** takes")
    event = st.plotly_chart(
        strip(found.moments, data.takes()),
        key="se_strip",
        on_select="rerun",
        selection_mode="points",
    )
    clicked = _clicked(event)
    if clicked is not None:
        open_frame(*clicked)
    results_table(found)
    thumbnails(found)
    downloads(pattern, found)


def _clicked(event: object) -> tuple[str, int] | None:
    """The (take, start frame) of a clicked moment bar in the strip."""
    try:
        points = event.selection.points  # type: ignore[attr-defined]
    except AttributeError:
        return None
    for p in points or []:
        custom = p.get("customdata") if isinstance(p, dict) else None
        if custom and len(custom) >= 2:
            return str(custom[0]), int(custom[1])
    return None


try:
    run_page("Search", render)
except OrgraphError as exc:  # pragma: no cover - run_page already shows store problems
    st.error(str(exc))
