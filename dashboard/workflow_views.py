"""The Workflow page's object-centric, variant, performance and take-comparison views.

Each view runs only its own catalog queries, honours the page's surgery-type filter and
offers every table it shows as CSV.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from orgraph.core.vocabulary import ROLES
from orgraph.dashboard import data, workflow_charts
from orgraph.dashboard.graphs import dfg_dot

ANY = "(all)"


def download(df: pd.DataFrame, name: str) -> None:
    """A CSV download button for one table (the name makes the key and the file name)."""
    st.download_button(
        f"Download {name} (CSV)",
        df.to_csv(index=False),
        file_name=f"{name}.csv",
        mime="text/csv",
        key=f"csv_{name}",
    )


def surgery_types() -> list[str]:
    """The surgery types present in the graph."""
    return sorted(data.takes()["surgery_type"].unique())


def takes_of(surgery: str | None) -> list[str]:
    """Take keys, only those of one surgery type when given."""
    df = data.takes()
    if surgery is not None:
        df = df[df["surgery_type"] == surgery]
    return [str(t) for t in df["take"]]


def object_views(surgery: str | None) -> None:
    """An object's (or a role-object pair's) lifecycle DFG, and who works together."""
    c1, c2, c3 = st.columns(3)
    kind = c1.radio("Case", ("object", "pair"), horizontal=True, key="ob_kind")
    freq = data.catalog("entity_frequencies", level="surgery_type", surgery_type=surgery)
    objects = sorted(set(freq.loc[freq["object_triplets"] > 0, "entity"]))
    if not objects:
        st.info("No interaction of a role with an object found.")
        return
    default = objects.index("patient") if "patient" in objects else 0
    obj = c2.selectbox("Object", objects, index=default, key="ob_object")
    flicker = c3.slider("Flicker tolerance (frames)", 0, 15, 0, key="ob_flicker")
    df = data.catalog(f"{kind}_dfg", surgery_type=surgery, object=obj, flicker=flicker)
    st.caption(
        "Who does what to the object, in start order: [start] -> first, follows edges "
        "(gap >= 0) and [end]; activities started while the previous one ran are listed "
        "as concurrent below."
    )
    for surgery_type, part in df.groupby("surgery_type"):
        st.markdown(f"**{surgery_type}**")
        st.graphviz_chart(dfg_dot(part, 40, timed=True))
    st.dataframe(df, hide_index=True)
    download(df, f"{kind}_dfg_{obj}")
    st.subheader("Working together")
    wt = data.catalog("working_together", surgery_type=surgery)
    if wt.empty:
        st.info("No two roles act on the same object at the same time.")
        return
    st.plotly_chart(workflow_charts.together_network(wt), key="together_chart")
    st.dataframe(wt, hide_index=True)
    download(wt, "working_together")


def variants_view(surgery: str | None) -> None:
    """Variants per surgery type, and one take's deviations from its reference."""
    c1, c2 = st.columns(2)
    unit = c1.radio("Steps", ("phase", "action"), horizontal=True, key="va_unit")
    counts = data.catalog("variants", surgery_type=surgery, unit=unit)
    if counts.empty:
        st.info("No take has a key step.")
        return
    st.dataframe(counts, hide_index=True)
    download(counts, f"variants_{unit}")
    take = c2.selectbox("Deviations of take", takes_of(surgery), key="va_take")
    dev = data.catalog("variant_deviations", take=take, unit=unit)
    if dev.empty:
        st.info(f"Take {take} has no key step.")
        return
    n_ref = int(dev["reference_takes"].iloc[0])
    st.caption(f"Reference: {dev['reference_variant'].iloc[0]} (takes following it: {n_ref})")
    st.dataframe(dev, hide_index=True)
    download(dev, f"deviations_{take.replace('/', '_')}")


def performance_view(surgery: str | None) -> None:
    """Durations, waiting and idle times, and the time-annotated DFG of one role."""
    c1, c2 = st.columns(2)
    role = c1.selectbox("Role", ROLES, key="pf_role")
    flicker = c2.slider("Flicker tolerance (frames)", 0, 15, 0, key="pf_flicker")
    parts = {
        "activity_durations": data.catalog(
            "activity_durations", surgery_type=surgery, role=role, flicker=flicker
        ),
        "phase_durations": data.catalog("phase_durations", surgery_type=surgery),
        "waiting_times": data.catalog(
            "waiting_times", surgery_type=surgery, role=role, flicker=flicker
        ),
        "idle_time": data.catalog("idle_time", surgery_type=surgery, role=role),
    }
    dfg = data.catalog("directly_follows", surgery_type=surgery, role=role, flicker=flicker)
    st.subheader(f"Directly-follows graph of {role} with median gaps")
    for surgery_type, part in dfg.groupby("surgery_type"):
        st.markdown(f"**{surgery_type}**")
        st.graphviz_chart(dfg_dot(part, 30, timed=True))
    download(dfg, f"performance_dfg_{role}")
    for name, df in parts.items():
        st.subheader(name.replace("_", " ").capitalize())
        st.dataframe(df, hide_index=True)
        download(df, name)


def _comparison_rows(take: str, label: str) -> pd.DataFrame:
    """One take's phases and role activities as lanes of the comparison chart."""
    phases = data.catalog("phase_timeline", level="take", take=take)
    rows = [
        (f"{label} · phases", a.split(" ")[0], a, s, e)
        for a, s, e in zip(
            phases["action"], phases["first_seconds"], phases["last_seconds"], strict=True
        )
    ]
    iv = data.catalog("activity_timeline", take=take, roles_only=True)
    rows += [
        (f"{label} · {r.subject}", r.relation, r.activity, r.start_time, r.end_time)
        for r in iv.itertuples(index=False)
    ]
    return pd.DataFrame(rows, columns=["lane", "relation", "what", "start_s", "end_s"])


def comparison_view(surgery: str | None) -> None:
    """Two takes of one surgery type on one time axis, and their phase durations."""
    types = surgery_types()
    c0, c1, c2 = st.columns(3)
    st_type = surgery or c0.selectbox("Surgery type", types, key="cmp_type")
    takes = takes_of(st_type)
    if len(takes) < 2:
        st.info(f"{st_type} has fewer than two takes to compare.")
        return
    a = c1.selectbox("Take A", takes, index=0, key="cmp_a")
    b = c2.selectbox("Take B", takes, index=1, key="cmp_b")
    rows = pd.concat([_comparison_rows(a, "A"), _comparison_rows(b, "B")], ignore_index=True)
    if rows.empty:
        st.info("Neither take has interactions to show.")
        return
    st.plotly_chart(workflow_charts.compare_takes(rows), key="compare_chart")
    durations = []
    for label, take in (("A", a), ("B", b)):
        d = data.catalog("phase_durations", take=take)[["phase", "mean_s"]]
        durations.append(d.rename(columns={"mean_s": f"{label}_{take}_s"}).set_index("phase"))
    table = pd.concat(durations, axis=1).reset_index()
    table["difference_s"] = table.iloc[:, 2] - table.iloc[:, 1]
    st.dataframe(table, hide_index=True)
    download(table, "phase_durations_compared")
    download(rows, "takes_compared")
