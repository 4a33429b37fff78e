#!/usr/bin/env python3
"""Run and time cmpenroll (A) against the bare openssl cmp command (B) and
the floor program (F).

Called by bench/bench.sh; python3 standard library only, Linux only.

A is cmpenroll; B the openssl cmp command that `cmpenroll --dry-run` prints;
F is bench/floor.c, the least any wrapper that must check the CSR does
(start libcrypto, d2i_X509_REQ, X509_REQ_verify).  The targets:

* what cmpenroll adds to a run, the median of the per-triple differences
  A - B of wall time, is at most 1.5 times F's median wall time;
* cmpenroll's own CPU per run (median) is at most 1.3 times F's;
* cmpenroll's own peak RSS is at most 8 MiB;
* over a loop of runs, wall time and own peak RSS stay flat.

The wall ratio A/B and the total CPU ratio A/B are reported, not targets:
about 40 ms of a run against the mock server is network idle that does not
scale with CPU speed, while a wrapper's cost does.

  measure.py run    --type T --out FILE [options]   one key type: pairs, RSS runs, loop
  measure.py report [--smoke] FILE...                print the table, exit by the targets

How each figure is taken, and why it is right:

* Wall time: time.perf_counter() just before posix_spawn() and just after
  waitid(WEXITED|WNOWAIT) reports the exit.  A and B are started the same
  way: the dry-run line is split into an argv once, before any run, and both
  are spawned directly by posix_spawn with the same environment, the same
  pre-opened stdin/stdout/stderr and default SIGPIPE/SIGXFSZ.  No shell runs
  for either side, so B pays nothing A does not.  Pairs alternate A B A B
  so that drift of the machine hits both sides alike; the first pairs are a
  discarded warm-up.

* Start phase: every timed run begins after a random pause of 0 to 10 ms.
  About 40 ms of each run waits for the server's delayed ACK, which fires
  on a kernel tick (4 ms at HZ=250, 10 ms at HZ=100), so run times fall into
  clusters a tick apart.  Run back to back, each run would start a fixed
  time after the tick that ended the one before, and a fixed head start
  (A's own start-up) would then put all of A's runs a cluster later than
  B's, or none: a median that measures where the tick falls rather than
  what A costs.  A cron job or an operator starts at a random point between
  two ticks; so does every run here.

* Total CPU: wait4() on the spawned process.  Linux fills wait4's rusage
  with RUSAGE_BOTH of the child: its own time plus that of every child it
  waited for.  For A that is cmpenroll plus its openssl; for B openssl alone.

* Own CPU of cmpenroll: after waitid(WNOWAIT) the process is a zombie that
  has not been reaped, and /proc/PID/schedstat still holds its final
  se.sum_exec_runtime: the nanoseconds this task itself spent on a CPU,
  user plus system, without any child.  rusage's utime+stime is this same
  runtime split by tick samples, so own and total are on one scale, and
  total minus own is the CPU of A's openssl; the table shows it beside B's
  as a cross-check (the two should agree).  /proc/PID/stat's utime+stime is
  the same figure cut to whole 10 ms ticks, too coarse here: used only if
  schedstat reads 0 (schedstats off).  Assumes a single-threaded cmpenroll
  (schedstat is the main thread's); the report notes any other thread.

* Own peak RSS of cmpenroll: neither wait4's ru_maxrss nor /usr/bin/time %M
  can give it.  Linux reports there the maximum over the process and all the
  children it waited for (so openssl's peak), and exec() also folds the
  pre-exec address space into it (so a python or shell parent's size leaks
  in; checked on this machine with a test program).  Instead separate runs
  of A are started under ptrace with PTRACE_O_TRACEEXIT and no fork tracing:
  at the exit stop cmpenroll's memory map still exists, and VmHWM in
  /proc/PID/status is the high-water mark of that map alone, which exec()
  started afresh.  These traced runs are not timed against B: the stops cost
  a little, so they stay out of the A/B comparison.

* F runs directly like A and B; it has no children, so its own CPU is its
  total CPU, read the same way as A's own CPU.

Exit status of report: 0 every target met; 1 a target missed; 70 a run
failed.  In smoke mode only failures count.
"""

import argparse
import ctypes
import gc
import json
import os
import random
import shlex
import shutil
import signal
import statistics
import sys
import time

ADDED_WALL_LIMIT = 1.5  # median(A - B) wall, at most this times F's wall
OWN_CPU_LIMIT = 1.3     # A's own CPU, at most this times F's CPU
RSS_LIMIT_KIB = 8 * 1024
GROWTH_WALL = 0.10      # last quarter of the loop vs first: median wall +10% at most
GROWTH_RSS_KIB = 256    # ... and median own peak RSS +256 KiB at most
RUN_TIMEOUT = 150       # seconds; openssl's own -total_timeout is 120
PHASE_SPREAD = 0.010    # seconds of random pause before a timed run

EX_ERROR = 70

PTRACE_TRACEME = 0
PTRACE_CONT = 7
PTRACE_SETOPTIONS = 0x4200
PTRACE_O_TRACEEXIT = 0x40
PTRACE_O_EXITKILL = 0x100000
PTRACE_EVENT_EXIT = 6


class BenchError(Exception):
    pass


class RunTimeout(Exception):
    pass


def on_alarm(signum, frame):
    raise RunTimeout()


class Runner:
    """Spawns one side of the comparison with fixed stdio and environment."""

    def __init__(self, argv, cwd, out, err, env):
        self.argv = argv
        self.path = argv[0] if "/" in argv[0] else shutil.which(argv[0])
        if not self.path:
            raise BenchError(f"{argv[0]}: not found in PATH")
        self.cwd = cwd
        self.out = out
        self.err = err
        self.env = env

    def _open_stdio(self):
        fin = os.open("/dev/null", os.O_RDONLY)
        fout = os.open(self.out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        ferr = os.open(self.err, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        return fin, fout, ferr

    def run(self):
        """One untraced run: wall, total CPU (wait4) and own CPU (zombie)."""
        time.sleep(random.uniform(0, PHASE_SPREAD))
        fds = self._open_stdio()
        os.chdir(self.cwd)
        actions = [(os.POSIX_SPAWN_DUP2, fd, i) for i, fd in enumerate(fds)]
        pid = None
        signal.alarm(RUN_TIMEOUT)
        try:
            t0 = time.perf_counter()
            pid = os.posix_spawn(self.path, self.argv, self.env,
                                 file_actions=actions,
                                 setsigdef=(signal.SIGPIPE, signal.SIGXFSZ),
                                 setsigmask=())
            os.waitid(os.P_PID, pid, os.WEXITED | os.WNOWAIT)
            t1 = time.perf_counter()
            signal.alarm(0)
        except BaseException as e:
            signal.alarm(0)
            if pid is not None:
                kill_reap(pid)
            if isinstance(e, RunTimeout):
                raise BenchError(f"{self.argv[0]}: no exit after "
                                 f"{RUN_TIMEOUT} s") from None
            raise
        finally:
            signal.alarm(0)
            for fd in fds:
                os.close(fd)
        own_ns, ticks = read_zombie_cpu(pid)
        _, status, ru = os.wait4(pid, 0)
        return {
            "status": os.waitstatus_to_exitcode(status),
            "wall": t1 - t0,
            "cpu": ru.ru_utime + ru.ru_stime,
            "own_cpu": own_ns / 1e9 if own_ns is not None else None,
            "ticks": ticks,
        }

    def run_traced(self):
        """One run under ptrace, stopped at exit to read VmHWM and own CPU."""
        libc = ctypes.CDLL(None, use_errno=True)
        libc.ptrace.restype = ctypes.c_long
        libc.ptrace.argtypes = [ctypes.c_long, ctypes.c_long,
                                ctypes.c_void_p, ctypes.c_void_p]
        fds = self._open_stdio()
        t0 = time.perf_counter()
        pid = os.fork()
        if pid == 0:
            try:
                os.chdir(self.cwd)
                for i, fd in enumerate(fds):
                    os.dup2(fd, i)
                signal.signal(signal.SIGPIPE, signal.SIG_DFL)
                signal.signal(signal.SIGXFSZ, signal.SIG_DFL)
                if libc.ptrace(PTRACE_TRACEME, 0, None, None) != 0:
                    os._exit(126)
                os.execve(self.path, self.argv, self.env)
            finally:
                os._exit(127)
        for fd in fds:
            os.close(fd)
        got = {}
        signal.alarm(RUN_TIMEOUT)
        try:
            _, st, _ = os.wait4(pid, 0)
            if not (os.WIFSTOPPED(st) and os.WSTOPSIG(st) == signal.SIGTRAP):
                raise BenchError(f"{self.argv[0]}: did not stop at exec "
                                 f"(status {st:#x}); is ptrace allowed?")
            opts = PTRACE_O_TRACEEXIT | PTRACE_O_EXITKILL
            if libc.ptrace(PTRACE_SETOPTIONS, pid, None, opts) != 0:
                raise BenchError("ptrace(PTRACE_SETOPTIONS) failed: "
                                 + os.strerror(ctypes.get_errno()))
            libc.ptrace(PTRACE_CONT, pid, None, None)
            while True:
                _, st, ru = os.wait4(pid, 0)
                if not os.WIFSTOPPED(st):
                    break
                if st >> 8 == signal.SIGTRAP | (PTRACE_EVENT_EXIT << 8):
                    got = read_exit_stop(pid)
                    libc.ptrace(PTRACE_CONT, pid, None, None)
                else:   # a signal for the tracee: hand it on unchanged
                    libc.ptrace(PTRACE_CONT, pid, None, os.WSTOPSIG(st))
            t1 = time.perf_counter()
        except BaseException as e:
            signal.alarm(0)
            kill_reap(pid)
            if isinstance(e, RunTimeout):
                raise BenchError(f"{self.argv[0]}: no exit after "
                                 f"{RUN_TIMEOUT} s") from None
            raise
        finally:
            signal.alarm(0)
        if "hwm_kib" not in got:
            raise BenchError(f"{self.argv[0]}: no exit stop seen under ptrace")
        return {
            "status": os.waitstatus_to_exitcode(st),
            "wall": t1 - t0,
            "cpu": ru.ru_utime + ru.ru_stime,
            **got,
        }


def kill_reap(pid):
    """Kill a run we started (and only that PID) and reap it."""
    try:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    except ChildProcessError:
        pass
    except ProcessLookupError:
        pass


class Stopped(BaseException):
    pass


def on_term(signum, frame):
    raise Stopped(signum)


def read_zombie_cpu(pid):
    """Own CPU of an exited, unreaped process: schedstat ns, stat ticks."""
    own_ns = None
    try:
        with open(f"/proc/{pid}/schedstat") as f:
            own_ns = int(f.read().split()[0])
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        # fields[0] is field 3 (state); utime stime cutime cstime are 14-17
        ticks = [int(x) for x in fields[11:15]]
    except (OSError, ValueError, IndexError):
        return None, None
    if own_ns == 0:         # schedstats off: "0 0 0"; fall back to ticks
        own_ns = None
    return own_ns, ticks


def read_exit_stop(pid):
    got = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            key, _, val = line.partition(":")
            if key == "VmHWM":
                got["hwm_kib"] = int(val.split()[0])
            elif key == "Threads":
                got["threads"] = int(val)
    with open(f"/proc/{pid}/schedstat") as f:
        got["own_cpu"] = int(f.read().split()[0]) / 1e9
    return got


def bare_argv(line, secret):
    """The dry-run line as (argv, env): the masked secret filled in, the
    variables it sets in front (OPENSSL_CONF=/dev/null) taken out."""
    argv = shlex.split(line)
    env = {}
    while argv and "=" in argv[0] and not argv[0].startswith("-"):
        name, _, value = argv.pop(0).partition("=")
        env[name] = value
    filled = 0
    for i, tok in enumerate(argv):
        if tok in ("****", "pass:****"):
            argv[i] = secret
            filled += 1
        elif "****" in tok:
            raise BenchError(f"dry-run: masked token not understood: {tok}")
    if not filled:
        raise BenchError("dry-run: no masked secret (****) in: " + line)
    if len(argv) < 2 or argv[1] != "cmp":
        raise BenchError("dry-run: not an openssl cmp command: " + line)
    return argv, env


def check_a(res, out, err, leaf, ca):
    if res["status"] != 0:
        raise BenchError(f"cmpenroll exited {res['status']}: " + tail(err))
    with open(out) as f:
        pem = f.read()
    if leaf not in pem or ca not in pem:
        raise BenchError("cmpenroll: stdout lacks the issued certificate "
                         "or the CA certificate")


def check_f(res, err):
    if res["status"] != 0:
        raise BenchError(f"floor exited {res['status']}: " + tail(err))


def check_b(res, cwd, err, leaf, ca):
    if res["status"] != 0:
        raise BenchError(f"bare openssl cmp exited {res['status']}: "
                         + tail(err))
    with open(os.path.join(cwd, "cert.pem")) as f:
        if leaf not in f.read():
            raise BenchError("bare openssl cmp: cert.pem is not the leaf")
    with open(os.path.join(cwd, "cacerts.pem")) as f:
        if ca not in f.read():
            raise BenchError("bare openssl cmp: cacerts.pem lacks the CA")


def tail(path):
    try:
        with open(path, errors="replace") as f:
            lines = f.read().strip().splitlines()
        return " | ".join(lines[-3:]) or "(no stderr)"
    except OSError:
        return "(no stderr)"


def empty_dir(path):
    for name in os.listdir(path):
        p = os.path.join(path, name)
        if os.path.isdir(p) and not os.path.islink(p):
            shutil.rmtree(p)
        else:
            os.unlink(p)


def cmd_run(args):
    with open(args.leaf) as f:
        leaf = f.read().strip()
    with open(args.ca) as f:
        ca = f.read().strip()
    with open(args.dryrun) as f:
        line = f.read().strip()
    env = dict(os.environ)
    work = args.work
    dirs = {k: os.path.join(work, k) for k in ("cwd-a", "cwd-b", "cwd-f")}
    for d in dirs.values():
        os.makedirs(d, exist_ok=True)
    a = Runner([args.cmpenroll, "-c", args.config, args.csr], dirs["cwd-a"],
               os.path.join(work, "a.out"), os.path.join(work, "a.err"), env)
    b_argv, b_env = bare_argv(line, args.secret)
    b = Runner(b_argv, dirs["cwd-b"], os.path.join(work, "b.out"),
               os.path.join(work, "b.err"), {**env, **b_env})
    fl = Runner([args.floor, args.csr], dirs["cwd-f"],
                os.path.join(work, "f.out"), os.path.join(work, "f.err"), env)

    signal.signal(signal.SIGALRM, on_alarm)
    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(sig, on_term)
    gc.disable()
    result = {"type": args.type, "pairs": [], "traced": [], "loop": [],
              "b_argv0": b.path}
    for i in range(args.warmup + args.pairs):
        empty_dir(dirs["cwd-b"])
        ra = a.run()
        check_a(ra, a.out, a.err, leaf, ca)
        rb = b.run()
        check_b(rb, dirs["cwd-b"], b.err, leaf, ca)
        rf = fl.run()
        check_f(rf, fl.err)
        if i >= args.warmup:
            result["pairs"].append({"a": ra, "b": rb, "f": rf})
        gc.collect()
    for _ in range(args.rss_runs):
        rt = a.run_traced()
        check_a(rt, a.out, a.err, leaf, ca)
        result["traced"].append(rt)
    # Each loop step is an untimed-by-ptrace run for wall time and own CPU,
    # then a traced run for own peak RSS.
    for _ in range(args.loop):
        ra = a.run()
        check_a(ra, a.out, a.err, leaf, ca)
        rt = a.run_traced()
        check_a(rt, a.out, a.err, leaf, ca)
        ra["hwm_kib"] = rt["hwm_kib"]
        result["loop"].append(ra)
        gc.collect()
    result["left_in_cwd"] = sorted(os.listdir(dirs["cwd-a"]))
    with open(args.out, "w") as f:
        json.dump(result, f)
    return 0


# ---- report ---------------------------------------------------------------

def med(xs):
    return statistics.median(xs)


def iqr(xs):
    if len(xs) < 2:
        return xs[0], xs[0]
    q = statistics.quantiles(xs, n=4, method="inclusive")
    return q[0], q[2]


def ms(x):
    return f"{x * 1000:.1f}"


def cell_spread(xs):
    lo, hi = iqr(xs)
    return f"{ms(med(xs))} [{ms(lo)}-{ms(hi)}]"


def own_cpu(run):
    """Own CPU seconds of an untraced run; 10 ms ticks if no schedstat."""
    if run["own_cpu"] is not None:
        return run["own_cpu"]
    return (run["ticks"][0] + run["ticks"][1]) / os.sysconf("SC_CLK_TCK")


def cmd_report(args):
    results = []
    for path in args.files:
        with open(path) as f:
            results.append(json.load(f))
    leftovers = []
    if args.leftovers:
        with open(args.leftovers) as f:
            leftovers = [x for x in f.read().splitlines() if x]
    rows = []      # (label, [cells], target, verdict)
    worst = 0      # 0 ok, 1 a target missed

    def verdict(ok):
        nonlocal worst
        if ok:
            return "ok"
        if args.smoke:
            return "miss (smoke: not enforced)"
        worst = 1
        return "FAIL"

    def per_type(label, fn, target="", check=None):
        vals = [fn(r) for r in results]
        cells = [v[0] if isinstance(v, tuple) else v for v in vals]
        raw = [v[1] if isinstance(v, tuple) else None for v in vals]
        v = verdict(all(check(x) for x in raw)) if check else ""
        rows.append((label, cells, target, v))

    def side(r, k, what):
        return [p[k][what] for p in r["pairs"]]

    def own(r):
        return [own_cpu(p["a"]) for p in r["pairs"]]

    def fcpu(r):
        return [own_cpu(p["f"]) for p in r["pairs"]]

    def added(r):
        return [p["a"]["wall"] - p["b"]["wall"] for p in r["pairs"]]

    def added_ratio(r):
        x = med(added(r)) / med(side(r, "f", "wall"))
        return f"{x:.2f}", x

    def own_ratio(r):
        x = med(own(r)) / med(fcpu(r))
        return f"{x:.2f}", x

    def ratio(r, what):
        x = med(side(r, "a", what)) / med(side(r, "b", what))
        return f"{x:.3f}", x

    def rss(r):
        x = max(t["hwm_kib"] for t in r["traced"])
        return f"{x / 1024:.2f}", x

    per_type("A wall ms, median [IQR]",
             lambda r: cell_spread(side(r, "a", "wall")))
    per_type("B wall ms, median [IQR]",
             lambda r: cell_spread(side(r, "b", "wall")))
    per_type("A - B wall ms, median of triples [IQR]",
             lambda r: cell_spread(added(r)))
    per_type("F (floor) wall ms, median [IQR]",
             lambda r: cell_spread(side(r, "f", "wall")))
    per_type("(A - B) / F wall", added_ratio, f"<= {ADDED_WALL_LIMIT}",
             check=lambda x: x <= ADDED_WALL_LIMIT)
    per_type("A own CPU ms, median [IQR]", lambda r: cell_spread(own(r)))
    per_type("F CPU ms, median [IQR]", lambda r: cell_spread(fcpu(r)))
    per_type("A own CPU / F CPU", own_ratio, f"<= {OWN_CPU_LIMIT}",
             check=lambda x: x <= OWN_CPU_LIMIT)
    per_type("own peak RSS MiB, max of runs", rss,
             f"<= {RSS_LIMIT_KIB // 1024} MiB",
             check=lambda x: x <= RSS_LIMIT_KIB)
    per_type("wall ratio A/B of medians (reported)",
             lambda r: ratio(r, "wall"))
    per_type("total CPU ratio A/B of medians (reported)",
             lambda r: ratio(r, "cpu"))
    per_type("  A's openssl CPU ms (total - own) / B's", lambda r: "%s / %s" % (
        ms(med([p["a"]["cpu"] - x for p, x in zip(r["pairs"], own(r))])),
        ms(med(side(r, "b", "cpu")))))
    per_type("  runs: triples / RSS runs",
             lambda r: f"{len(r['pairs'])} / {len(r['traced'])}")

    loop_rows = []
    for r in results:
        lp = r["loop"]
        if not lp:
            continue
        q = max(1, len(lp) // 4)
        first, last = lp[:q], lp[-q:]
        w0, w1 = med([t["wall"] for t in first]), med([t["wall"] for t in last])
        c0 = med([own_cpu(t) for t in first])
        c1 = med([own_cpu(t) for t in last])
        m0 = med([t["hwm_kib"] for t in first])
        m1 = med([t["hwm_kib"] for t in last])
        left = r["left_in_cwd"] + leftovers
        lbl = (f"loop of {len(lp)} A runs ({r['type']}, {q} per quarter; "
               "each followed by a traced run for RSS)")
        loop_rows.append((lbl, None, None, None))
        loop_rows.append(("  wall ms, median: first -> last quarter",
                          f"{ms(w0)} -> {ms(w1)} ({(w1 / w0 - 1) * 100:+.1f}%)",
                          f"<= +{GROWTH_WALL * 100:.0f}%",
                          verdict(w1 / w0 - 1 <= GROWTH_WALL)))
        loop_rows.append(("  own CPU ms, median: first -> last",
                          f"{ms(c0)} -> {ms(c1)} ({(c1 / c0 - 1) * 100:+.1f}%)",
                          "", ""))
        loop_rows.append(("  own peak RSS KiB, median: first -> last",
                          f"{m0:.0f} -> {m1:.0f} ({m1 - m0:+.0f} KiB)",
                          f"<= +{GROWTH_RSS_KIB} KiB",
                          verdict(m1 - m0 <= GROWTH_RSS_KIB)))
        loop_rows.append(("  files left in A's cwd and TMPDIR",
                          str(len(left)) + (": " + " ".join(left[:3])
                                            if left else ""),
                          "0", verdict(not left)))

    types = [r["type"] for r in results]
    lw = max(len(x[0]) for x in rows + loop_rows if x[1] is not None)
    cw = max([len(c) for x in rows for c in x[1]] + [len(t) for t in types])
    # a loop row's one cell spans the key-type columns: make them wide enough
    wide = max([len(x[1]) for x in loop_rows if x[1] is not None] + [0])
    cw = max(cw, -(-(wide - 2 * (len(types) - 1)) // len(types)))
    tw = max(len(x[2]) for x in rows + loop_rows if x[2] is not None)
    head = ["metric".ljust(lw)] + [t.ljust(cw) for t in types] + \
        ["target".ljust(tw), "result"]
    print("  ".join(head).rstrip())
    print("-" * len("  ".join(head)))
    for label, cells, target, v in rows:
        print("  ".join([label.ljust(lw)] + [c.ljust(cw) for c in cells]
                        + [target.ljust(tw), v]).rstrip())
    if loop_rows:
        print("-" * len("  ".join(head)))
        for label, cell, target, v in loop_rows:
            if cell is None:
                print(label)
                continue
            span = cw * len(types) + 2 * (len(types) - 1)
            print("  ".join([label.ljust(lw), cell.ljust(span),
                             target.ljust(tw), v]).rstrip())
    thr = {t.get("threads", 1) for r in results for t in r["traced"]}
    if thr - {1}:
        print("note: cmpenroll had threads at exit; own CPU counts only its "
              "main thread")
    if args.smoke:
        print("smoke: every run succeeded; targets shown, not enforced")
    elif worst:
        print("bench: a target is missed")
    else:
        print("bench: every target met")
    return 0 if args.smoke else worst


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = p.add_subparsers(dest="cmd", required=True)
    r = sub.add_parser("run")
    r.add_argument("--type", required=True)
    r.add_argument("--cmpenroll", required=True)
    r.add_argument("--floor", required=True)
    r.add_argument("--config", required=True)
    r.add_argument("--csr", required=True)
    r.add_argument("--dryrun", required=True, help="file with the dry-run line")
    r.add_argument("--secret", required=True)
    r.add_argument("--leaf", required=True)
    r.add_argument("--ca", required=True)
    r.add_argument("--work", required=True)
    r.add_argument("--pairs", type=int, default=30)
    r.add_argument("--warmup", type=int, default=2)
    r.add_argument("--rss-runs", type=int, default=30)
    r.add_argument("--loop", type=int, default=0)
    r.add_argument("--out", required=True)
    s = sub.add_parser("report")
    s.add_argument("--smoke", action="store_true")
    s.add_argument("--leftovers", help="file naming what TMPDIR held after")
    s.add_argument("files", nargs="+")
    args = p.parse_args()
    try:
        return cmd_run(args) if args.cmd == "run" else cmd_report(args)
    except BenchError as e:
        print(f"bench: {e}", file=sys.stderr)
        return EX_ERROR
    except Stopped as e:
        return 128 + e.args[0]


if __name__ == "__main__":
    sys.exit(main())
