"""The ORGraph dashboard's entry point: page setup and navigation (one file per page).

Run it with `orgraph dashboard`, which passes the store settings as environment
variables; `streamlit run dashboard/app.py` works too with ORGRAPH_* set. The page files
live in views/, not pages/: Streamlit treats a pages/ folder as the older multipage mode,
which then races with st.navigation (wrong sidebar, "Page not found" on deep links).
"""

from __future__ import annotations

import streamlit as st

st.set_page_config(page_title="ORGraph", page_icon=":hospital:", layout="wide")

PAGES = [
    st.Page("views/overview.py", title="Overview", url_path="overview", default=True),
    st.Page("views/search.py", title="Search", url_path="search"),
    st.Page("views/timeline.py", title="Timeline", url_path="timeline"),
    st.Page("views/frame_viewer.py", title="Frame viewer", url_path="frame"),
    st.Page("views/workflow.py", title="Workflow patterns", url_path="workflow"),
    st.Page("views/console.py", title="Cypher console", url_path="console"),
    st.Page("views/model.py", title="Model", url_path="model"),
]

st.navigation(PAGES).run()
