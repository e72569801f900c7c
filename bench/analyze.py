#!/usr/bin/env python3
"""Turns the raw logs of bench/run into bench/results/.

    analyze.py WORKDIR RESULTSDIR

WORKDIR holds what bench/run recorded: "events" (epoch_us tag scenario
run what), "budgets" (tag seconds), "macs", "cost.csv", "machine.txt", and
per session TAG.icmp (client echo replies: R epoch_us seq mac), TAG.arp
(observer ARP replies: A epoch_us 0 mac) and TAG.tcpdump (heartbeats and
ARP on the switch).  RESULTSDIR gets runs.csv (one line per run),
summary.csv (min, median, p95, max per figure), cost.csv, summary.md,
timeline-DAEMON.png and machine.txt.

Definitions (all times from the client's and the switch's point of view):
  takeover	event (SIGKILL, link down, SIGTERM) to the first echo reply
		the client gets from b's MAC
  beyond	takeover measured from the moment b's detection budget ran
		out: first reply from b - (a's last heartbeat seen on the
		switch + budget); the part a daemon can shrink
  gap		longest stretch without any echo reply from the last reply
		before the event to b's first
  overlap	time during which a and b both answered the same ARP request
  handback	a's return (restart or link up) to the first reply from a;
		its gap and overlap as above, until the pair is steady
"""
import bisect
import collections
import csv
import math
import os
import re
import subprocess
import sys

DAEMONS = [("ipfo", "ipfailover"), ("kad", "keepalived"), ("ucarp", "ucarp")]
NAME = dict(DAEMONS)
BUDGET_NAME = {"min": "shortest", "3": "3 s"}
PERIOD_US = 2000
DOUBLE_US = 1000	# two ARP replies this close answer the same request


def load_events(work):
    runs = collections.defaultdict(dict)
    order = []
    with open(os.path.join(work, "events")) as f:
        for line in f:
            t, tag, sc, run, what = line.split()
            key = (tag, sc, int(run))
            if key not in runs:
                order.append(key)
            runs[key].setdefault(what, int(t))
    return runs, order


def load_series(path, kind):
    """Sorted (times, macs) of the lines of one kind in a probe log."""
    out = []
    if not os.path.exists(path):
        return [], []
    with open(path) as f:
        for line in f:
            p = line.split()
            if len(p) == 4 and p[0] == kind:
                out.append((int(p[1]), p[3]))
    out.sort()
    return [t for t, _ in out], [m for _, m in out]


TD = re.compile(r"^(\d+)\.(\d+) (\S+) > (\S+), ethertype (\S+) .*?"
                r"length \d+: (.*)$")


def load_tcpdump(path, ip_a, vip):
    """Heartbeat times of a, and gratuitous ARP frames (time, src MAC)."""
    hb, garp = [], []
    if not os.path.exists(path):
        return hb, garp
    with open(path, errors="replace") as f:
        for line in f:
            m = TD.match(line)
            if not m:
                continue
            t = int(m.group(1)) * 1000000 + int(m.group(2))
            src, dst, etype, rest = m.group(3), m.group(4), m.group(5), \
                m.group(6)
            if etype == "IPv4":
                s = rest.split(" ", 1)[0]
                if s == ip_a or s == ip_a + ".8283":
                    hb.append(t)
            elif etype == "ARP":
                # "who-has V tell V" or "who-has V (MAC) tell V".
                if re.match(r"Request who-has %s (\(\S+\) )?tell %s," %
                            (re.escape(vip), re.escape(vip)), rest) or \
                        (rest.startswith("Reply %s is-at" % vip) and
                         dst == "ff:ff:ff:ff:ff:ff"):
                    garp.append((t, src))
    return sorted(hb), sorted(garp)


def first_after(times, macs, t0, mac, t1=None):
    i = bisect.bisect_right(times, t0)
    while i < len(times) and (t1 is None or times[i] <= t1):
        if macs[i] == mac:
            return times[i]
        i += 1
    return None


def last_before(times, macs, t0, mac, t_from=None):
    i = bisect.bisect_left(times, t0) - 1
    while i >= 0 and (t_from is None or times[i] >= t_from):
        if mac is None or macs[i] == mac:
            return times[i]
        i -= 1
    return None


def max_gap(times, t0, t1):
    """Longest interval between echo replies from the last one before t0
    to the last one at or before t1."""
    i = max(bisect.bisect_left(times, t0) - 1, 0)
    j = bisect.bisect_right(times, t1)
    seg = times[i:j]
    if len(seg) < 2:
        return None
    return max(b - a for a, b in zip(seg, seg[1:]))


def overlap(times, macs, t0, t1):
    """(duration_us, count) of ARP requests answered by two MACs."""
    i = bisect.bisect_left(times, t0)
    j = bisect.bisect_right(times, t1)
    doubles = []
    for k in range(i, j - 1):
        if macs[k] != macs[k + 1] and times[k + 1] - times[k] < DOUBLE_US:
            doubles.append(times[k])
    if not doubles:
        return 0, 0
    return doubles[-1] - doubles[0] + PERIOD_US, len(doubles)


def ms(us):
    return None if us is None else us / 1000.0


def run_row(tag, sc, run, e, data, mac, budget_us):
    icmp_t, icmp_m, arp_t, arp_m, hb, garp = data
    t_ev = e.get("event")
    row = {"tag": tag, "scenario": sc, "run": run}
    if t_ev is None:
        return None
    t_next = e.get("restart", e.get("end", t_ev + 10000000))
    fb = first_after(icmp_t, icmp_m, t_ev, mac["b"], t_next)
    row["takeover_ms"] = ms(fb - t_ev) if fb else None
    if fb and sc in ("kill", "link"):
        lh = last_before(hb, [None] * len(hb), fb, None)
        if lh is not None and lh > t_ev - 5000000:
            row["beyond_ms"] = ms(fb - (lh + budget_us))
    if fb:
        row["gap_ms"] = ms(max_gap(icmp_t, t_ev, fb))
    if "left1" in e or "left0" in e:
        row["left_on_a"] = 1 if "left1" in e else 0
    if fb and sc == "kill":
        # How long a kept answering ARP after b took over, to the check.
        t_chk = e.get("left1", e.get("left0", t_next))
        la = last_before(arp_t, arp_m, t_chk, mac["a"], fb)
        row["a_answers_after_ms"] = ms(la - fb) if la else 0.0
        row["observed_ms"] = ms(t_chk - fb)
    if fb and sc == "term":
        la = last_before(arp_t, arp_m, fb, mac["a"], t_ev)
        fba = first_after(arp_t, arp_m, t_ev, mac["b"], t_next)
        if la and fba:
            row["after_release_ms"] = ms(fba - la)
    if sc in ("term", "kill", "link"):
        d, n = overlap(arp_t, arp_m, t_ev, fb or t_next) if sc != "kill" \
            else (None, None)
        if d is not None:
            row["overlap_ms"] = ms(d)
    g = [(t, m) for t, m in garp if t_ev <= t <= t_next and m == mac["b"]]
    if g:
        row["garp_frames"] = len(g)
        row["garp_first_ms"] = ms(g[0][0] - t_ev)
        row["garp_last_ms"] = ms(g[-1][0] - t_ev)
        if fb:
            row["garp_first_after_reply_ms"] = ms(g[0][0] - fb)
    row["garp_window_ms"] = ms(t_next - t_ev)
    # The master's return.
    t_rs = e.get("restart")
    t_end = e.get("end")
    if t_rs and t_end:
        fa = first_after(icmp_t, icmp_m, t_rs, mac["a"], t_end)
        row["handback_ms"] = ms(fa - t_rs) if fa else None
        row["handback_gap_ms"] = ms(max_gap(icmp_t, t_rs, t_end))
        d, n = overlap(arp_t, arp_m, t_rs, t_end)
        row["handback_overlap_ms"] = ms(d)
        row["handback_ok"] = 1 if "steady" in e else 0
    return row


def quantiles(vals):
    v = sorted(x for x in vals if x is not None)
    if not v:
        return None
    p95 = v[min(len(v) - 1, max(0, math.ceil(0.95 * len(v)) - 1))]
    n = len(v)
    med = v[n // 2] if n % 2 else (v[n // 2 - 1] + v[n // 2]) / 2
    return {"n": n, "min": v[0], "median": med, "p95": p95, "max": v[-1]}


def false_takeovers(events, order, arp_t, arp_m, mac, tag):
    """Episodes of b answering ARP while a was up and holding and nothing
    had happened to it: while the pair is left alone (watch) or under the
    probers' load (busy), and from each handback (a steady again) to the
    next event.  The probers stop for the idle CPU window: no data there."""
    windows = []
    steady = None
    for key in order:
        t, sc, run = key
        if t != tag:
            continue
        e = events[key]
        if sc in ("watch", "busy") and "end" in e:
            windows.append((e["event"], e["end"]))
        if sc in ("kill", "link", "term"):
            if steady is not None and e["event"] > steady:
                windows.append((steady, e["event"]))
            steady = e.get("steady")
            if steady is not None:
                steady += 100000
    episodes, last = 0, None
    for t0, t1 in windows:
        i = bisect.bisect_left(arp_t, t0)
        while i < len(arp_t) and arp_t[i] <= t1:
            if arp_m[i] == mac["b"]:
                if last is None or arp_t[i] - last > 50000:
                    episodes += 1
                last = arp_t[i]
            i += 1
    watched = sum(t1 - t0 for t0, t1 in windows) / 1e6
    return episodes, watched


def fmt(q, digits=1):
    if q is None:
        return "-"
    f = "%%.%df" % digits
    return "%s [%s, %s, %s] (%d)" % (f % q["median"], f % q["min"],
                                     f % q["p95"], f % q["max"], q["n"])


def main():
    work, res = sys.argv[1], sys.argv[2]
    os.makedirs(res, exist_ok=True)
    events, order = load_events(work)
    budgets = {}
    with open(os.path.join(work, "budgets")) as f:
        for line in f:
            tag, b = line.split()
            budgets[tag] = float(b)
    mac = {}
    with open(os.path.join(work, "macs")) as f:
        for line in f:
            n, m = line.split()
            mac[n] = m

    rows, falses = [], {}
    series = {}
    for tag in budgets:
        icmp_t, icmp_m = load_series(os.path.join(work, tag + ".icmp"), "R")
        arp_t, arp_m = load_series(os.path.join(work, tag + ".arp"), "A")
        vip = "198.18.0.100"
        hb, garp = load_tcpdump(os.path.join(work, tag + ".tcpdump"),
                                "198.18.0.1", vip)
        data = (icmp_t, icmp_m, arp_t, arp_m, hb, garp)
        series[tag] = data
        for key in order:
            if key[0] != tag or key[1] not in ("kill", "link", "term"):
                continue
            r = run_row(tag, key[1], key[2], events[key], data, mac,
                        budgets[tag] * 1e6)
            if r:
                rows.append(r)
        falses[tag] = false_takeovers(events, order, arp_t, arp_m, mac, tag)

    fields = ["tag", "scenario", "run", "takeover_ms", "beyond_ms",
              "gap_ms", "overlap_ms", "left_on_a", "a_answers_after_ms",
              "observed_ms", "after_release_ms", "garp_frames",
              "garp_first_ms", "garp_first_after_reply_ms", "garp_last_ms",
              "garp_window_ms", "handback_ms", "handback_gap_ms",
              "handback_overlap_ms", "handback_ok"]
    with open(os.path.join(res, "runs.csv"), "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=fields, extrasaction="ignore")
        w.writeheader()
        for r in rows:
            w.writerow({k: ("%.3f" % v if isinstance(v, float) else v)
                        for k, v in r.items()})

    summ = {}
    for r in rows:
        for k, v in r.items():
            if k in ("tag", "scenario", "run") or v is None:
                continue
            summ.setdefault((r["tag"], r["scenario"], k), []).append(v)
    # GARP counts only from runs that watched long enough (7 s).
    long_runs = collections.defaultdict(list)
    for r in rows:
        if r["scenario"] == "kill" and r.get("garp_window_ms", 0) > 6500:
            long_runs[r["tag"]].append(r.get("garp_frames", 0))
    with open(os.path.join(res, "summary.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["tag", "scenario", "figure", "n", "min", "median",
                    "p95", "max"])
        for (tag, sc, k), vals in sorted(summ.items()):
            q = quantiles(vals)
            if q:
                w.writerow([tag, sc, k, q["n"], q["min"], q["median"],
                            q["p95"], q["max"]])

    cost = load_cost(work)
    write_markdown(res, work, summ, budgets, cost, falses, long_runs)
    write_timelines(res, work, events, series, mac, budgets)
    with open(os.path.join(work, "machine.txt")) as f:
        machine = f.read()
    with open(os.path.join(res, "machine.txt"), "w") as f:
        f.write(machine)
    for name in ("cost.csv",):
        with open(os.path.join(work, name)) as src, \
                open(os.path.join(res, name), "w") as dst:
            dst.write(src.read())
    snmp = os.path.join(work, "snmp.csv")
    if os.path.exists(snmp):
        with open(snmp) as src, open(os.path.join(res, "snmp.csv"), "w") \
                as dst:
            dst.write(src.read())


def load_cost(work):
    cost = {}
    with open(os.path.join(work, "cost.csv")) as f:
        for r in csv.DictReader(f):
            cost[(r["daemon"], r["budget"], r["node"], r["measure"])] = \
                r["value"]
    return cost


def q_of(summ, tag, sc, k):
    return quantiles(summ.get((tag, sc, k), []))


def write_markdown(res, work, summ, budgets, cost, falses, long_runs):
    L = []
    names = [n for d, n in DAEMONS]
    head = "| scenario | budget | figure (ms) | " + " | ".join(names) + " |"
    sep = "|---|---|---|" + "---|" * len(names)
    L.append("Cells: median [min, p95, max] (runs). Times in ms.")
    L.append("")
    L.append(head)
    L.append(sep)
    figs = [
        ("kill", "takeover_ms", "takeover"),
        ("kill", "beyond_ms", "beyond budget"),
        ("kill", "garp_first_after_reply_ms", "first GARP - first reply"),
        ("kill", "gap_ms", "client gap"),
        ("kill", "left_on_a", "address still on killed node at the check"),
        ("kill", "a_answers_after_ms", "killed node answers after b"),
        ("kill", "handback_gap_ms", "handback gap (restart)"),
        ("kill", "handback_overlap_ms", "handback two holders (restart)"),
        ("link", "takeover_ms", "takeover"),
        ("link", "beyond_ms", "beyond budget"),
        ("link", "gap_ms", "client gap"),
        ("link", "handback_gap_ms", "handback gap (link up)"),
        ("link", "handback_overlap_ms", "handback two holders (link up)"),
        ("term", "takeover_ms", "handover after SIGTERM"),
        ("term", "gap_ms", "client gap"),
        ("term", "after_release_ms", "release to b answering ARP"),
        ("term", "overlap_ms", "two holders"),
        ("term", "handback_gap_ms", "handback gap (restart)"),
        ("term", "handback_overlap_ms", "handback two holders (restart)"),
    ]
    scen = {"kill": "SIGKILL", "link": "link down", "term": "SIGTERM"}
    for b in ("min", "3"):
        for sc, k, label in figs:
            cells = []
            any_ = False
            for d, _ in DAEMONS:
                tag = "%s-%s" % (d, b)
                q = q_of(summ, tag, sc, k)
                if k == "left_on_a":
                    v = summ.get((tag, sc, k), [])
                    cells.append("%d/%d" % (sum(v), len(v)) if v else "-")
                    any_ = any_ or bool(v)
                    continue
                any_ = any_ or q is not None
                cells.append(fmt(q))
            if any_:
                L.append("| %s | %s | %s | %s |" % (scen[sc],
                         BUDGET_NAME[b], label, " | ".join(cells)))
    L.append("")
    L.append("Budgets (seconds of silence before b takes over): " +
             ", ".join("%s %s" % (t, budgets[t]) for t in sorted(budgets)))
    L.append("")
    # Gratuitous ARP.
    L.append("| gratuitous ARP after a takeover (7 s watched) | " +
             " | ".join(names) + " |")
    L.append("|---|" + "---|" * len(names))
    cells = []
    for d, _ in DAEMONS:
        v = long_runs.get("%s-min" % d, [])
        cells.append("%s frames (%d runs)" % (
            "/".join(str(x) for x in v), len(v)) if v else "-")
    L.append("| frames from the new holder | " + " | ".join(cells) + " |")
    for k, label in (("garp_first_ms", "first, ms after the event"),
                     ("garp_last_ms", "last, ms after the event")):
        cells = []
        for d, _ in DAEMONS:
            cells.append(fmt(q_of(summ, "%s-min" % d, "kill", k)))
        L.append("| %s | %s |" % (label, " | ".join(cells)))
    L.append("")
    # Cost.
    L.append("| cost | " + " | ".join(names) + " |")
    L.append("|---|" + "---|" * len(names))

    def c(d, b, node, m):
        return cost.get((d, b, node, m), "-")
    rowsc = [
        ("processes per node", lambda d: c(d, "3", "a", "procs")),
        ("RSS, holder (KiB)", lambda d: c(d, "3", "a", "rss_kib")),
        ("PSS, holder (KiB)", lambda d: c(d, "3", "a", "pss_kib")),
        ("RSS, backup (KiB)", lambda d: c(d, "3", "b", "rss_kib")),
        ("idle CPU, pair, 3 s budget (s/h)",
         lambda d: c(d, "3", "pair", "idle_cpu_s_per_h")),
        ("idle CPU, holder, 3 s budget (s/h)",
         lambda d: c(d, "3", "a", "idle_cpu_s_per_h")),
        ("idle CPU, backup, 3 s budget (s/h)",
         lambda d: c(d, "3", "b", "idle_cpu_s_per_h")),
        ("idle CPU, pair, shortest budget (s/h)",
         lambda d: c(d, "min", "pair", "idle_cpu_s_per_h")),
        ("CPU, pair, 3 s, 1000 ARP+ICMP/s on the LAN (s/h)",
         lambda d: c(d, "3", "pair", "busy_lan_cpu_s_per_h")),
        ("CPU, pair, shortest, 1000 ARP+ICMP/s on the LAN (s/h)",
         lambda d: c(d, "min", "pair", "busy_lan_cpu_s_per_h")),
    ]
    for b in ("3", "min"):
        rowsc += [
            ("flood %s: backup CPU (%% of a core)" % BUDGET_NAME[b],
             lambda d, b=b: c(d, b, "b", "flood_cpu_pct")),
            ("flood %s: CPU per packet (us)" % BUDGET_NAME[b],
             lambda d, b=b: c(d, b, "b", "flood_us_per_pkt")),
            ("flood %s: packets sent" % BUDGET_NAME[b],
             lambda d, b=b: c(d, b, "b", "flood_sent")),
            ("flood %s: backup took the address" % BUDGET_NAME[b],
             lambda d, b=b: c(d, b, "b", "flood_false_takeover")),
        ]
    for label, fn in rowsc:
        L.append("| %s | %s |" % (label, " | ".join(fn(d) for d, _ in
                                                      DAEMONS)))
    cells = []
    for b in ("min", "3"):
        cells = []
        for d, _ in DAEMONS:
            f = falses.get("%s-%s" % (d, b))
            cells.append("%d in %.0f s" % f if f else "-")
        L.append("| false takeovers while a was up, %s | %s |" % (
            BUDGET_NAME[b], " | ".join(cells)))
    L.append("")
    # Scale.
    sc_tags = sorted((t for t in budgets if "scale" in t),
                     key=lambda t: int(t.split("scale")[1]))
    if sc_tags:
        L.append("| addresses per pair (SIGKILL, keepalived at 1 s "
                 "adverts, budget %.4f s) | ipfailover | keepalived | "
                 "ucarp |" % budgets[sc_tags[0]])
        L.append("|---|---|---|---|")
        for t in sc_tags:
            n = t.split("scale")[1]
            for k, label in (("takeover_ms", "takeover"),
                             ("beyond_ms", "beyond budget")):
                L.append("| %s, last address: %s | %s | %s | %s |" % (
                    n, label, "not supported (one per pair)",
                    fmt(q_of(summ, t, "kill", k)),
                    "one per process (vhid); not measured"))
        L.append("")
    snmp = os.path.join(work, "snmp.csv")
    if os.path.exists(snmp):
        with open(snmp) as f:
            rr = list(csv.reader(f))
        if rr:
            L.append("| SNMP (same snmpd) | " + " | ".join(rr[0][1:]) + " |")
            L.append("|---|" + "---|" * (len(rr[0]) - 1))
            for r in rr[1:]:
                L.append("| " + " | ".join(r) + " |")
            L.append("")
    with open(os.path.join(work, "machine.txt")) as f:
        L.append("Machine: " + "; ".join(x.strip() for x in f if x.strip()))
    with open(os.path.join(res, "summary.md"), "w") as f:
        f.write("\n".join(L) + "\n")


def write_timelines(res, work, events, series, mac, budgets):
    """One PNG per daemon: its first link-down and first post-GARP
    SIGKILL run at the shortest budget, who answers over time."""
    for d, name in DAEMONS:
        tag = "%s-min" % d
        if tag not in series:
            continue
        icmp_t, icmp_m, arp_t, arp_m, hb, garp = series[tag]
        panels = []
        for sc in ("link", "kill"):
            keys = sorted(k for k in events if k[0] == tag and k[1] == sc)
            # Prefer a kill run with the short tail (the GARP runs are
            # long); any run will do.
            keys = [k for k in keys if "event" in events[k]]
            if not keys:
                continue
            key = keys[-1] if sc == "kill" else keys[0]
            t0 = events[key]["event"]
            dat = os.path.join(work, "tl-%s-%s.dat" % (d, sc))
            with open(dat, "w") as f:
                for lst_t, lst_m, base in ((arp_t, arp_m, 0),
                                           (icmp_t, icmp_m, 2)):
                    i = bisect.bisect_left(lst_t, t0 - 30000)
                    while i < len(lst_t) and lst_t[i] < t0 + 170000:
                        y = base + (1 if lst_m[i] == mac["a"] else 2)
                        f.write("%.3f %d\n" % ((lst_t[i] - t0) / 1000, y))
                        i += 1
            lh = [t for t in hb if t0 - 5000000 < t <= t0 + 1000]
            dl = (lh[-1] + budgets[tag] * 1e6 - t0) / 1000 if lh else None
            panels.append((sc, dat, dl))
        if not panels:
            continue
        png = os.path.join(res, "timeline-%s.png" % name)
        gp = ["set terminal pngcairo size 900,%d font ',10'" %
              (260 * len(panels)),
              "set output '%s'" % png,
              "set multiplot layout %d,1 title '%s: who answers at "
              "198.18.0.100 (shortest budget)'" % (len(panels), name),
              "set xrange [-30:170]", "set yrange [0.5:4.5]",
              "set ytics ('ARP: a' 1, 'ARP: b' 2, 'client reply: a' 3, "
              "'client reply: b' 4)",
              "set xlabel 'ms after the event'", "set grid xtics",
              "unset key"]
        for sc, dat, dl in panels:
            title = {"link": "link of a down at 0",
                     "kill": "SIGKILL of the process group of a at 0"}[sc]
            gp.append("unset arrow")
            gp.append("set arrow from 0,0.5 to 0,4.5 nohead lc 'red'")
            if dl is not None:
                gp.append("set arrow from %.3f,0.5 to %.3f,4.5 nohead "
                          "dt 2 lc 'blue'" % (dl, dl))
                title += "; dashed: end of the budget of b"
            gp.append("set title '%s'" % title)
            gp.append("plot '%s' using 1:2 with points pt 7 ps 0.4 "
                      "lc 'black'" % dat)
        gp.append("unset multiplot")
        script = os.path.join(work, "tl-%s.gp" % d)
        with open(script, "w") as f:
            f.write("\n".join(gp) + "\n")
        try:
            subprocess.run(["gnuplot", script], check=True, timeout=60)
        except (OSError, subprocess.SubprocessError) as e:
            print("analyze: gnuplot failed for %s: %s" % (name, e),
                  file=sys.stderr)


if __name__ == "__main__":
    main()
