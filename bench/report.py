"""The benchmark's report: one markdown table of every page in every configuration, the goals marked met or
MISSED, the exports, the writes and the workers' memory."""

import platform
from statistics import mean

GOAL_P95_MS = 150  # every public page and staff list, uncached
GOAL_ADMIN_RATIO = 5  # at least this many times the admin changelist's requests per second
GOAL_DEEP_PAGE_RATIO = 1.2  # "equally fast": a deep page's p95 within 1.2x the first page's
GOAL_STATIC_RATIO = 1.5  # a cached page's p95 within 1.5x a static file's of the same size
GOAL_WORKER_MB = 200  # peak RSS of any one worker
GOAL_EXPORT_FIRST_BYTE_S = 0.2
GOAL_EXPORT_TOTAL_S = 3
GOAL_EXPORT_GROWTH_MB = 20  # "memory flat": the serving worker grows by less than this during an export
GOAL_WRITE_S = 1
GOAL_SEED_S = 5 * 60
# Each deep page with the first page of its list.
DEEP_PAGES = [
    ("table page 1", "table middle page"),
    ("table page 1", "table last page"),
    ("staff commitments", "staff middle page"),
    ("staff commitments", "staff last page"),
]
MISSED = "✗"


def label(config):
    size = config["commitments"]
    short = f"{size // 1000}k" if size >= 1000 and size % 1000 == 0 else f"{size:,}"
    return f"{'SQLite' if config['database'] == 'sqlite' else 'PostgreSQL'} {short}"


def loads_of(config):
    """{(kind, page name): load} of one configuration."""
    return {(load["kind"], load["page"]): load for load in config.get("loads", [])}


def met_or_missed(misses):
    return "met" if not misses else "MISSED: " + "; ".join(misses)


class Checks:
    """Each goal, per configuration and page: the cells that miss it."""

    def __init__(self, configs):
        self.configs = [config for config in configs if "loads" in config]
        self.loads = {label(config): loads_of(config) for config in self.configs}

    def slow(self, config, page):
        return self.loads[label(config)][("uncached", page["name"])]["p95"] >= GOAL_P95_MS

    def behind_admin(self, config, page):
        loads = self.loads[label(config)]
        return loads[("uncached", page["name"])]["rps"] < GOAL_ADMIN_RATIO * loads[("admin", page["name"])]["rps"]

    def far_from_static(self, config, page):
        loads = self.loads[label(config)]
        if page["audience"] != "public":
            return False
        return loads[("cached", page["name"])]["p95"] > GOAL_STATIC_RATIO * loads[("static", page["name"])]["p95"]

    @staticmethod
    def growing(page):
        return page["queries"] != page["queries_small"]

    def deep_page_ratio(self, config, first, deep):
        loads = self.loads[label(config)]
        return loads[("uncached", deep)]["p95"] / max(loads[("uncached", first)]["p95"], 0.001)

    def row_misses(self, name):
        """The goals this page misses, with the configurations where it does."""
        by_goal = {}
        for config in self.configs:
            page = next(p for p in config["pages"] if p["name"] == name)
            for goal, missed in (
                (f"p95 ≥ {GOAL_P95_MS} ms", self.slow(config, page)),
                (f"< {GOAL_ADMIN_RATIO}x admin", self.behind_admin(config, page)),
                (f"cached > {GOAL_STATIC_RATIO}x static", self.far_from_static(config, page)),
                ("queries grow", self.growing(page)),
            ):
                if missed:
                    by_goal.setdefault(goal, []).append(label(config))
            for first, deep in DEEP_PAGES:
                if name == deep and self.deep_page_ratio(config, first, deep) > GOAL_DEEP_PAGE_RATIO:
                    by_goal.setdefault(f"> {GOAL_DEEP_PAGE_RATIO}x page 1", []).append(label(config))
        return [f"{goal} ({', '.join(where)})" for goal, where in by_goal.items()]


def number(value, digits=0):
    return f"{value:,.{digits}f}"


def rate(rps):
    return number(rps, 1 if rps < 10 else 0)


def page_rows(configs, checks):
    names = [page["name"] for page in configs[0]["pages"]] if configs else []
    header = ["page"]
    for config in configs:
        header += [f"{label(config)} {column}" for column in ("p95", "req/s", "admin req/s", "÷ admin")]
        header += [f"{label(config)} {column}" for column in ("cached p95", "static p95", "queries 250 → N")]
    lines = ["| " + " | ".join([*header, "goals"]) + " |", "| --- " + "| ---: " * (len(header) - 1) + "| --- |"]
    for name in names:
        cells = [name]
        for config in configs:
            page = next(p for p in config["pages"] if p["name"] == name)
            loads = checks.loads[label(config)]
            uncached, admin = loads[("uncached", name)], loads[("admin", name)]
            cells += [
                number(uncached["p95"]) + (f" {MISSED}" if checks.slow(config, page) else ""),
                rate(uncached["rps"]),
                rate(admin["rps"]),
                f"{uncached['rps'] / max(admin['rps'], 0.001):.1f}"
                + (f" {MISSED}" if checks.behind_admin(config, page) else ""),
            ]
            if page["audience"] == "public":
                cached, static = loads[("cached", name)], loads[("static", name)]
                far = f" {MISSED}" if checks.far_from_static(config, page) else ""
                cells += [f"{cached['p95']:.1f}{far}", f"{static['p95']:.1f}"]
            else:
                cells += ["—", "—"]
            cells.append(
                f"{page['queries_small']} → {page['queries']}" + (f" {MISSED}" if checks.growing(page) else "")
            )
        cells.append(met_or_missed(checks.row_misses(name)))
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def export_rows(configs):
    lines = [
        "| configuration | format | status | rows | first byte (ms) | total (s), median (every run) | streamed "
        "| worker peak (MB) "
        "| worker growth (MB) | message | goal |",
        "| --- | --- | ---: | ---: | ---: | ---: | --- | ---: | ---: | --- | --- |",
    ]
    for config in configs:
        for export in config.get("exports", []):
            lines.append(
                f"| {label(config)} | {export['format'].upper()} | {export['status'] or export.get('error', '')} "
                f"| {number(export['rows']) if 'rows' in export else '—'} "
                f"| {number(export.get('first_byte_s', 0) * 1000)} | {export.get('total_s', 0):.2f}{runs(export)} "
                f"| {'yes' if export.get('streaming') else 'no'} | {export.get('worker_peak_mb', 0):.0f} "
                f"| {export.get('worker_growth_mb', 0):.0f} | {export.get('message', '')} "
                f"| {met_or_missed(export_misses(config, export))} |"
            )
    return lines


def export_misses(config, export):
    """What keeps an export from its goal: CSV and JSON stream every published row quickly in flat memory;
    XLSX either refuses with a message or answers quickly."""
    misses = []
    if export.get("status") in (0, None):
        return [f"no answer ({export.get('error', '')})"]
    if export["format"] == "xlsx":
        if export["status"] == 200 and export["total_s"] > GOAL_EXPORT_TOTAL_S:
            misses.append(f"took {export['total_s']:.1f} s")
        if export["status"] != 200 and not export.get("message"):
            misses.append("refused without a message")
        if export["status"] >= 500:
            misses.append(f"server error {export['status']}")
        return misses
    if export["status"] != 200:
        return [f"status {export['status']}"]
    if export.get("rows") != config["published"]:
        misses.append(f"{export.get('rows', 0):,} of {config['published']:,} rows")
    if not export.get("streaming"):
        misses.append("not streamed")
    if export["first_byte_s"] > GOAL_EXPORT_FIRST_BYTE_S:
        misses.append(f"first byte after {export['first_byte_s'] * 1000:.0f} ms")
    if export["total_s"] > GOAL_EXPORT_TOTAL_S:
        misses.append(f"took {export['total_s']:.1f} s")
    if export["worker_growth_mb"] >= GOAL_EXPORT_GROWTH_MB:
        misses.append(f"worker grew {export['worker_growth_mb']:.0f} MB")
    return misses


def write_rows(configs):
    lines = [
        "| configuration | write | time (ms), median (every run) | cache scopes bumped | expected | invalidation "
        "| goal |",
        "| --- | --- | ---: | ---: | ---: | --- | --- |",
    ]
    for config in configs:
        for write in config.get("writes", []):
            lines.append(
                f"| {label(config)} | {write['write']} | {number(write['seconds'] * 1000)}{runs(write, 1000)} "
                f"| {write['bumped']} "
                f"| {write['expected']} | {invalidation(write)} | {met_or_missed(write_misses(write))} |"
            )
    return lines


def runs(found, scale=1):
    """Every run's time beside the median's, in the same unit."""
    if len(found.get("runs_s", [])) < 2:
        return ""
    return " (" + ", ".join(number(run * scale) if scale > 1 else f"{run:.2f}" for run in found["runs_s"]) + ")"


def invalidation(write):
    pages = write["bumped"] - 1 if write["exact"] else None
    if write["exact"]:
        return f"exact: site + {pages:,} commitment pages"
    return f"NOT exact: missing {', '.join(write['missing']) or '—'}; extra {', '.join(write['extra']) or '—'}"


def write_misses(write):
    misses = [f"{write['seconds']:.2f} s"] if write["seconds"] >= GOAL_WRITE_S else []
    return misses + ([] if write["exact"] else ["invalidation not exact"])


def worker_peak(config):
    """The highest RSS any one worker reached, in MB: under load and during the exports."""
    peaks = [server["peak_worker_mb"] for server in config.get("servers", [])]
    peaks += [export.get("worker_peak_mb", 0) for export in config.get("exports", [])]
    return max(peaks, default=0)


def goals(configs, checks):
    pages = [(config, page) for config in checks.configs for page in config["pages"]]

    def where(test):
        return [f"{page['name']} ({label(config)})" for config, page in pages if test(config, page)]

    uneven = [
        f"{deep} ({label(config)}: {checks.deep_page_ratio(config, first, deep):.2f}x)"
        for config in checks.configs
        for first, deep in DEEP_PAGES
        if checks.deep_page_ratio(config, first, deep) > GOAL_DEEP_PAGE_RATIO
    ]
    exports = [
        f"{export['format'].upper()} {label(config)}: {', '.join(export_misses(config, export))}"
        for config in configs
        for export in config.get("exports", [])
        if export_misses(config, export)
    ]
    heavy = [
        f"{label(config)} {worker_peak(config):.0f} MB" for config in configs if worker_peak(config) >= GOAL_WORKER_MB
    ]
    writes = [
        f"{write['write']} ({label(config)}: {', '.join(write_misses(write))})"
        for config in configs
        for write in config.get("writes", [])
        if write_misses(write)
    ]
    failed = [label(config) for config in configs if "error" in config]

    def verdict(misses):
        return met_or_missed(misses + ([f"not measured on {', '.join(failed)}"] if failed else []))

    lines = [
        f"1. Every public page and staff list, uncached, p95 under {GOAL_P95_MS} ms: {verdict(where(checks.slow))}.",
        f"2. Every public page and staff list at least {GOAL_ADMIN_RATIO}x the admin changelist's req/s: "
        f"{verdict(where(checks.behind_admin))}.",
        f"3. The first, the middle and the last page equally fast (a deep page's p95 at most "
        f"{GOAL_DEEP_PAGE_RATIO}x the first's; public table and staff list): {verdict(uneven)}.",
        f"4. A cached public page within {GOAL_STATIC_RATIO}x the p95 of a static file of the same size: "
        f"{verdict(where(checks.far_from_static))}.",
        "5. Query counts of public pages and staff lists the same at 250 commitments and at N: "
        f"{verdict(where(lambda config, page: checks.growing(page)))}.",
        f"6. Peak RSS of any one worker under {GOAL_WORKER_MB} MB: {verdict(heavy)}.",
        f"7. Exports of every published commitment: CSV and JSON streamed, first byte within "
        f"{GOAL_EXPORT_FIRST_BYTE_S * 1000:.0f} ms, done within {GOAL_EXPORT_TOTAL_S} s, every row, the worker "
        f"growing less than {GOAL_EXPORT_GROWTH_MB} MB; XLSX refused with a message above its limit: "
        f"{verdict(exports)}.",
        f"8. Writes at scale each under {GOAL_WRITE_S} s with exact invalidation: {verdict(writes)}.",
    ]
    seeded = [config for config in configs if config.get("seed_seconds")]
    times = ", ".join(f"{label(config)} {config['seed_seconds']:.0f} s" for config in seeded)
    slow_seeds = [label(config) for config in seeded if config["seed_seconds"] >= GOAL_SEED_S]
    lines.append(
        f"9. Seeding under {GOAL_SEED_S // 60} minutes: {met_or_missed(slow_seeds)} ({times})."
        if seeded
        else f"9. Seeding under {GOAL_SEED_S // 60} minutes: not measured, every database was reused."
    )
    errors = [f"- {label(config)} did not complete: {config['error']}." for config in configs if "error" in config]
    return lines + errors


def rounds_of(loads, kind="cached"):
    """How many rounds the pages of a kind compared with each other were loaded in (one in results written before
    rounds): each cached page with its static copy, each list's pages with its first."""
    return max((len(load.get("p95_rounds", [0])) for load in loads if load["kind"] == kind), default=1)


def report(meta, configs):
    done = [config for config in configs if "loads" in config]
    checks = Checks(done)
    loads = [load for config in done for load in config["loads"]]
    lines = [
        f"# Benchmark, {meta['date']}",
        "",
        "; ".join(f"{label(c)}: {c['published']:,} published of {c['commitments']:,}" for c in done) + ". "
        f"gunicorn, {meta['workers']} sync workers, max_requests {meta['max_requests']}; {meta['clients']} "
        f"concurrent clients for {meta['seconds']} s per URL ({meta['client']}); {meta['cores']} cores; "
        f"Python {platform.python_version()}; commit {meta['commit']}; run took {meta['elapsed']}.",
        "",
        "## Goals",
        "",
        *goals(configs, checks),
        "",
        f"## Pages (p95 in ms; {MISSED} marks a cell that misses its goal)",
        "",
        *page_rows(done, checks),
        "",
        "## Exports of the whole published table (`/commitments/?_export=…`, no filter)",
        "",
        *export_rows(configs),
        "",
        "## Writes at scale (through the services layer, rolled back afterwards)",
        "",
        *write_rows(configs),
        "",
        "## Memory and machine",
        "",
    ]
    for config in done:
        servers = ", ".join(
            f"{server['name']} {server['peak_worker_mb']:.0f} MB ({server['restarts']} restarts)"
            for server in config["servers"]
        )
        seeded = f"; seeded in {config['seed_seconds']:.0f} s" if config.get("seed_seconds") else ""
        lines.append(f"- {label(config)}: peak RSS of one worker {servers}{seeded}.")
    if loads:
        errors = sum(load["errors"] for load in loads)
        lines += [
            f"- CPU used by other processes during the loads: mean {mean(x['foreign'] for x in loads):.0%}, "
            f"max {max(x['foreign'] for x in loads):.0%} of the machine; above a few percent a row is slower "
            "than on a quiet machine.",
            f"- Failed or non-200 responses during the loads: {errors}.",
            f"- Loads run again because a worker was replaced during them: {sum(x.get('reruns', 0) for x in loads)}; "
            f"each cached page and static copy is the p95 of all the requests of {rounds_of(loads)} alternating "
            f"rounds, and each list's first, middle and last page of {rounds_of(loads, 'uncached')}.",
        ]
    return "\n".join(lines) + "\n"
