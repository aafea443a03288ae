"""Find Java and Maven, and resolve the Neo4j server's jars into the project's cache.

The jars come from `mvn dependency:copy-dependencies` on core/neo4j_pom.xml, the
equivalent of the vendor tarball's lib/ folder, so no Docker or tarball is needed.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

from orgraph.core.errors import Neo4jServerError

POM = Path(__file__).with_name("neo4j_pom.xml")
MIN_JAVA = 17
_VERSION_MARK = ".neo4j-version"
_MVN_TIMEOUT = 1800.0


def neo4j_version() -> str:
    """The Neo4j version pinned in the shipped pom (its one source of truth)."""
    ns = {"m": "http://maven.apache.org/POM/4.0.0"}
    node = ET.parse(POM).getroot().find("m:properties/m:neo4j.version", ns)
    if node is None or not (node.text or "").strip():
        raise Neo4jServerError(f"{POM} has no <neo4j.version> property")
    return node.text.strip()


def find_java() -> str:
    """The java executable ($JAVA_HOME/bin/java, else PATH), checked to be Java 17 or newer."""
    home = os.environ.get("JAVA_HOME")
    java = str(Path(home) / "bin" / "java") if home else shutil.which("java")
    if not java or not Path(java).is_file():
        where = f"JAVA_HOME={home}" if home else "PATH"
        raise Neo4jServerError(
            f"java not found on {where}: the local Neo4j server needs Java {MIN_JAVA}+ "
            "(e.g. apt-get install openjdk-17-jre-headless), or use docker-compose.yml"
        )
    out = subprocess.run(
        [java, "-version"], capture_output=True, text=True, timeout=60, check=False
    )
    match = re.search(r'version "(\d+)(?:\.(\d+))?', out.stderr + out.stdout)
    major = int(match.group(1)) if match else 0
    if major == 1 and match and match.group(2):  # "1.8" style
        major = int(match.group(2))
    if major < MIN_JAVA:
        raise Neo4jServerError(
            f"{java} is Java {major or 'of unknown version'}: Neo4j 5.26 needs Java {MIN_JAVA}+"
        )
    return java


def find_mvn() -> str:
    """The mvn executable on PATH."""
    mvn = shutil.which("mvn")
    if not mvn:
        raise Neo4jServerError(
            "mvn (Apache Maven) not found on PATH: it is needed once, to fetch the Neo4j "
            "server's jars (e.g. apt-get install maven), or use docker-compose.yml"
        )
    return mvn


def jars_ready(lib_dir: Path) -> bool:
    """Whether lib_dir already holds the jars of the pinned version."""
    mark = lib_dir / _VERSION_MARK
    return mark.is_file() and mark.read_text().strip() == neo4j_version()


def ensure_jars(lib_dir: Path, log: Callable[[str], None] = lambda _m: None) -> Path:
    """Resolve the server's jars into lib_dir once; later calls return at once.

    Maven writes into a sibling temporary folder that is renamed at the end, so an
    interrupted download never leaves a half-filled lib/ behind.
    """
    if jars_ready(lib_dir):
        return lib_dir
    version = neo4j_version()
    mvn = find_mvn()
    build = lib_dir.parent / "build"
    staging = lib_dir.parent / "lib.partial"
    shutil.rmtree(staging, ignore_errors=True)
    build.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(POM, build / "pom.xml")
    log(f"resolving Neo4j {version} with Maven into {lib_dir} (first time only, ~125 MB)")
    cmd = [
        mvn,
        "-B",
        "-q",
        "-f",
        str(build / "pom.xml"),
        "dependency:copy-dependencies",
        "-DincludeScope=runtime",
        f"-DoutputDirectory={staging}",
    ]
    try:
        done = subprocess.run(
            cmd, capture_output=True, text=True, timeout=_MVN_TIMEOUT, check=False
        )
    except subprocess.TimeoutExpired:
        raise Neo4jServerError(
            f"Maven did not finish resolving org.neo4j:neo4j:{version} within {_MVN_TIMEOUT:.0f}s"
        ) from None
    if done.returncode != 0 or not any(staging.glob("neo4j-*.jar")):
        shutil.rmtree(staging, ignore_errors=True)
        raise Neo4jServerError(
            f"Maven could not resolve org.neo4j:neo4j:{version} (pom {build / 'pom.xml'}): "
            + _maven_reason(done.stdout + done.stderr)
        )
    (staging / _VERSION_MARK).write_text(version + "\n")
    shutil.rmtree(lib_dir, ignore_errors=True)
    staging.rename(lib_dir)
    return lib_dir


def _maven_reason(output: str) -> str:
    """The first [ERROR] line of Maven's output, or its last line, as one short phrase."""
    lines = [ln.strip() for ln in output.splitlines() if ln.strip()]
    errors = [ln for ln in lines if ln.startswith("[ERROR]") and len(ln) > 8]
    reason = (errors or lines or ["no output"])[0]
    return reason.removeprefix("[ERROR]").strip()[:400]
