#!/usr/bin/env python3
"""Runs the image-ci benchmarks and writes bench/results/report.md and report.csv.

Started by bench/run, which installs the tools, starts the services, builds the jars and exports
the services' environment. Every comparison is measured in the same run, with the tools taking
turns repetition by repetition, so that load from other work on the machine falls on all of them
alike. Figures are medians.
"""

import argparse
import base64
import csv
import json
import os
import platform
import secrets
import shutil
import statistics
import subprocess
import sys
import tarfile
import time
import urllib.request
from dataclasses import dataclass, field

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
JAR = os.path.join(ROOT, "target", "imageci.jar")
BENCH_JAR = os.path.join(ROOT, "bench", "target", "imageci-bench.jar")
LAUNCHER = os.path.join(ROOT, "scripts", "imageci")
JAVA = ["java", "-jar", JAR]
MIB = 1024 * 1024


def log(message):
    print(f"bench: {message}", file=sys.stderr, flush=True)


@dataclass
class Run:
    seconds: float
    status: int
    max_rss_kib: int
    cpu_seconds: float
    marker_seconds: float | None
    output: str


@dataclass
class Row:
    section: str
    case: str
    tool: str
    metric: str
    unit: str
    value: float | None
    samples: int = 0
    reference: str = ""
    ratio: float | None = None
    target: str = ""
    met: str = ""
    note: str = ""


def timed(command, env, marker=None, cwd=None):
    """Runs a command, returns its wall time, exit status and peak RSS (from wait4).

    With a marker (bytes), also the time at which it first appeared in the output."""
    start = time.perf_counter()
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
        env=env, cwd=cwd)
    tail = b""
    marker_at = None
    while True:
        chunk = os.read(process.stdout.fileno(), 65536)
        if not chunk:
            break
        if marker is not None and marker_at is None and marker in tail[-len(marker):] + chunk:
            marker_at = time.perf_counter() - start
        tail = (tail + chunk)[-16384:]
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    process.stdout.close()
    cpu = usage.ru_utime + usage.ru_stime
    return Run(elapsed, process.returncode, usage.ru_maxrss, cpu, marker_at,
               tail.decode("utf-8", "replace"))


def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def percentile(values, fraction):
    ordered = sorted(values)
    if not ordered:
        return None
    index = min(len(ordered) - 1, max(0, int(round(fraction * len(ordered) + 0.5)) - 1))
    return ordered[index]


class Bench:
    def __init__(self, args):
        self.args = args
        self.id = secrets.token_hex(4)
        self.work = args.work
        self.rows = []
        self.failures = []
        self.registry = os.environ["IMAGECI_TEST_REGISTRY"]
        self.user = os.environ["IMAGECI_TEST_REGISTRY_USER"]
        self.password = os.environ["IMAGECI_TEST_REGISTRY_PASSWORD"]
        self.base_image = os.environ["IMAGECI_TEST_BASE_IMAGE"]
        self.repo = f"{self.registry}/imageci-bench-{self.id}"
        self.pushed = set()
        self.env = dict(os.environ)
        self.env["DOCKER_CONFIG"] = os.path.join(self.work, "docker-config")
        self.env["IMAGECI_HOME"] = os.path.join(self.work, "imageci-home")
        self.env["IMAGECI_REGISTRY_USER"] = self.user
        self.env["IMAGECI_REGISTRY_PASSWORD"] = self.password
        self.env["DOCKER_BUILDKIT"] = "0"
        self.env.pop("IMAGECI_DB_URL", None)  # the embedded store, in the temporary home
        # The launcher's resident process, in a directory of this run's own; "imageci (own JVM)"
        # is the same launcher with it switched off, every command in a JVM of its own.
        self.resident_dirs = []
        self.env["IMAGECI_RESIDENT_DIR"] = self.resident_dir("resident")
        self.own_jvm_env = dict(self.env, IMAGECI_RESIDENT="0")
        self.buildah = None
        self.imageci_build = None

    # ---- set-up --------------------------------------------------------------------------

    def prepare(self):
        os.makedirs(self.env["DOCKER_CONFIG"], exist_ok=True)
        os.makedirs(self.env["IMAGECI_HOME"], exist_ok=True)
        auth = base64.b64encode(f"{self.user}:{self.password}".encode()).decode()
        with open(os.path.join(self.env["DOCKER_CONFIG"], "config.json"), "w") as out:
            json.dump({"auths": {self.registry: {"auth": auth}}}, out)
        os.chmod(os.path.join(self.env["DOCKER_CONFIG"], "config.json"), 0o600)
        self.imageci_build = self.probe_imageci_build()
        self.buildah = self.probe_buildah()
        timed([LAUNCHER, "--version"], self.env)  # trains the launcher's class data archive

    def probe_imageci_build(self):
        run = timed(JAVA + ["build", "--help"], self.env)
        # Without a build command, picocli still answers --help (for imageci) with status 0.
        if run.status != 0 or "imageci build" not in run.output:
            log("imageci build is not available on this branch; its figures are left out")
            return None
        return {"force": "--force" in run.output, "json": "--json" in run.output}

    def probe_buildah(self):
        if shutil.which("buildah") is None:
            log("buildah is not installed; its figures are left out")
            return None
        root = os.path.join(self.work, "buildah")
        base = [
            "buildah", "--root", f"{root}/root", "--runroot", f"{root}/run",
            "--storage-driver", self.args.buildah_driver,
        ]
        archive = os.path.join(root, "base.tar")
        os.makedirs(root, exist_ok=True)
        steps = [
            ["docker", "save", "-o", archive, self.base_image],
            base + ["pull", "-q", f"docker-archive:{archive}"],
        ]
        for step in steps:
            run = timed(step, self.env)
            if run.status != 0:
                log(f"buildah cannot run here ({' '.join(step[:2])}): {run.output.strip()[-300:]}")
                return None
        image_id = timed(base + ["images", "-q"], self.env).output.split()[0]
        timed(base + ["tag", image_id, f"docker.io/{self.base_image}"], self.env)
        return base

    def resident_dir(self, name):
        path = os.path.join(self.work, name)
        self.resident_dirs.append(path)
        return path

    @staticmethod
    def resident_files(directory, suffix):
        """The paths of the resident process's files in directory that end with suffix."""
        names = os.listdir(directory) if os.path.isdir(directory) else []
        return [os.path.join(directory, n) for n in names if n.endswith(suffix)]

    def resident_pids(self, directory):
        """The pids the resident processes serving from directory wrote down."""
        pids = []
        for path in self.resident_files(directory, ".pid"):
            try:
                with open(path) as pid_file:
                    pids.append(int(pid_file.read().strip()))
            except (OSError, ValueError):
                pass  # gone already
        return pids

    def resident_peak_rss_mib(self, directory):
        """The peak RSS (VmHWM) of the resident process serving from directory, or None."""
        for pid in self.resident_pids(directory):
            try:
                with open(f"/proc/{pid}/status") as status:
                    for line in status:
                        if line.startswith("VmHWM:"):
                            return int(line.split()[1]) / 1024
            except OSError:
                return None
        return None

    def stop_resident(self):
        for directory in self.resident_dirs:
            for pid in self.resident_pids(directory):
                try:
                    os.kill(pid, 15)
                except OSError:
                    pass  # gone already

    def await_resident(self, env=None):
        """Starts the resident process with one command and waits until it serves."""
        env = env or self.env
        directory = env["IMAGECI_RESIDENT_DIR"]
        timed([LAUNCHER, "--version"], env)
        deadline = time.time() + 120
        while time.time() < deadline:
            serving = bool(self.resident_files(directory, ".sock"))
            for path in self.resident_files(directory, ".log"):
                with open(path, errors="replace") as resident_log:
                    if serving and "resident: warmed up" in resident_log.read():
                        return
            time.sleep(0.2)
        raise RuntimeError(f"the resident process did not start and warm up in {directory}")

    # ---- contexts ------------------------------------------------------------------------

    def write_rootfs(self, path, total_bytes, files, compress):
        """A rootfs tarball of random (incompressible) file contents."""
        per_file = max(1, total_bytes // files)
        options = {"compresslevel": 1} if compress else {}
        with tarfile.open(path, "w:gz" if compress else "w", **options) as tar:
            for index in range(files):
                data_path = os.path.join(self.work, "chunk")
                with open(data_path, "wb") as out:
                    remaining = per_file
                    while remaining:
                        piece = min(remaining, 8 * MIB)
                        out.write(os.urandom(piece))
                        remaining -= piece
                tar.add(data_path, arcname=f"srv/data/file-{index:04d}.bin")
            os.unlink(data_path)

    def write_config(self, directory, image, rootfs_name, nonce):
        os.makedirs(directory, exist_ok=True)
        config = os.path.join(directory, "image.yaml")
        with open(config, "w") as out:
            out.write(
                f"image: {image}\n"
                "tag: bench\n"
                f"from: {self.base_image}\n"
                "run:\n"
                f"  - echo {nonce} > /etc/bench-nonce\n"
                "  - mkdir -p /srv/logs\n"
                f"rootfs: {rootfs_name}\n"
                "runAfterRootfs:\n"
                "  - ls /srv/data > /srv/logs/files\n"
                "env:\n"
                "  BENCH: image-ci\n"
                "workdir: /srv\n"
                "expose: [8080]\n"
                "labels:\n"
                "  com.example.bench: e2e\n"
                'entrypoint: ["/bin/sh"]\n'
                'cmd: ["-c", "cat /etc/bench-nonce"]\n')
        return config

    def render_into(self, config, directory, rootfs_source, context_name):
        """Writes the Dockerfile imageci renders, and the rootfs under its context name."""
        run = timed(JAVA + ["render", config], self.env)
        if run.status != 0:
            raise RuntimeError(f"imageci render {config} failed: {run.output[-500:]}")
        dockerfile = run.output
        with open(os.path.join(directory, "Dockerfile"), "w") as out:
            out.write(dockerfile)
        target = os.path.join(directory, context_name)
        if not os.path.exists(target):
            os.link(rootfs_source, target)

    # ---- tools ---------------------------------------------------------------------------

    def imageci_command(self, config, push=True, force=False, no_cache=False):
        # The launcher is how imageci is meant to be run: the jar with its class data archive.
        command = [LAUNCHER, "build", config]
        if push:
            command.append("--push")
        if force and self.imageci_build and self.imageci_build["force"]:
            command.append("--force")
        if no_cache:
            command.append("--no-cache")
        return command

    def docker_command(self, ref, context, push=True, no_cache=False):
        build = f"docker build {'--no-cache ' if no_cache else ''}-t {ref} {context}"
        if push:
            return ["sh", "-c", f"{build} && docker push {ref}"]
        return ["sh", "-c", build]

    def buildah_command(self, ref, context):
        base = " ".join(self.buildah)
        authfile = os.path.join(self.env["DOCKER_CONFIG"], "config.json")
        # Limitation: --network host, because chroot isolation (the only one that runs in this
        # container) cannot make a network namespace and buildah 1.28 refuses --network none
        # with it; there is no network to reach here in any case.
        return ["sh", "-c",
                f"{base} bud --layers --isolation chroot --network host --pull-never -q "
                f"-t {ref} {context} && {base} push --tls-verify=false "
                f"--authfile {authfile} {ref}"]

    def measure(self, label, command, marker=None, env=None):
        # The disk writes a tool left behind are flushed off the clock, so that the next tool
        # does not pay for them.
        os.sync()
        run = timed(command, env or self.env, marker=marker)
        if run.status != 0:
            self.failures.append(f"{label}: exit {run.status}: {run.output.strip()[-600:]}")
            log(f"{label} failed (exit {run.status}); see the report")
            return None
        return run

    # ---- sections ------------------------------------------------------------------------

    def startup(self):
        log("start-up")
        config_dir = os.path.join(self.work, "startup")
        config = self.write_config(config_dir, f"{self.repo}/startup", "rootfs.tar.gz", "x")
        commands = {
            "imageci --version (java -jar)": JAVA + ["--version"],
            "imageci --help (java -jar)": JAVA + ["--help"],
            "imageci render (java -jar)": JAVA + ["render", config],
        }
        if os.access(LAUNCHER, os.X_OK):
            commands["imageci --version (scripts/imageci, CDS)"] = [LAUNCHER, "--version"]
            commands["imageci render (scripts/imageci, CDS)"] = [LAUNCHER, "render", config]
            commands["imageci --version (scripts/imageci, resident)"] = [LAUNCHER, "--version"]
            commands["imageci render (scripts/imageci, resident)"] = [LAUNCHER, "render", config]
            timed([LAUNCHER, "--version"], self.own_jvm_env)  # creates the class data archive
            self.await_resident()
        commands["docker --version"] = ["docker", "--version"]
        times = {name: [] for name in commands}
        cpu = {name: [] for name in commands}
        for rep in range(self.args.startup_reps + 2):
            for name, command in commands.items():
                env = self.env if "resident" in name else self.own_jvm_env
                run = self.measure(name, command, env=env)
                if run is not None and rep >= 2:  # two warm-up rounds fill the page cache
                    times[name].append(run.seconds)
                    cpu[name].append(run.cpu_seconds)
        reference = median(times["docker --version"])
        for name, values in times.items():
            value = median(values)
            cpu_note = f"CPU {median(cpu[name]):.3f} s" if cpu[name] else ""
            is_version = name.startswith("imageci --version")
            self.rows.append(Row(
                "start-up", name, name.split(" ")[0], "wall time", "s", value, len(values),
                reference="docker --version" if name != "docker --version" else "",
                ratio=value / reference if value and reference and name != "docker --version"
                else None,
                target="< 0.3 s" if is_version else "",
                met=("yes" if value < 0.3 else "no") if is_version and value else "",
                note=cpu_note))

    def end_to_end(self):
        log("end-to-end build and push")
        rootfs = os.path.join(self.work, "rootfs-small.tar.gz")
        self.write_rootfs(rootfs, self.args.small_rootfs_mib * MIB, 16, compress=True)
        tools = ["imageci", "imageci (own JVM)", "docker", "buildah"]
        slugs = {"imageci": "imageci", "imageci (own JVM)": "imageci-own-jvm", "docker": "docker",
                 "buildah": "buildah"}
        envs = {"imageci (own JVM)": self.own_jvm_env}
        self.await_resident()
        configs = {}
        times = {(mode, tool): [] for mode in ("cold", "warm", "unchanged") for tool in tools}
        runners = {
            "imageci": lambda tool_dir, config, ref, mode: (
                self.imageci_command(config, force=(mode != "unchanged"))
                if self.imageci_build else None),
            "imageci (own JVM)": lambda tool_dir, config, ref, mode: (
                self.imageci_command(config, force=(mode != "unchanged"))
                if self.imageci_build else None),
            "docker": lambda tool_dir, config, ref, mode: self.docker_command(ref, tool_dir),
            "buildah": lambda tool_dir, config, ref, mode: (
                self.buildah_command(ref, tool_dir) if self.buildah else None),
        }
        notes = {}
        for mode in ("cold", "warm", "unchanged"):
            for rep in range(self.args.reps + 1):
                for tool in ordered(tools, rep):
                    tool_dir = os.path.join(self.work, "e2e", slugs[tool])
                    image = f"{self.repo}/e2e-{slugs[tool]}"
                    ref = f"{image}:bench"
                    if mode == "cold" or tool not in configs:
                        # A new value in the first RUN line: every command layer is new.
                        nonce = secrets.token_hex(8)
                        shutil.rmtree(tool_dir, ignore_errors=True)
                        configs[tool] = self.write_config(
                            tool_dir, image, "rootfs.tar.gz", nonce)
                        self.render_into(configs[tool], tool_dir, rootfs, "rootfs.tar.gz")
                    command = runners[tool](tool_dir, configs[tool], ref, mode)
                    if command is None:
                        continue
                    run = self.measure(f"{mode} {tool}", command, env=envs.get(tool))
                    self.pushed.add(ref)
                    if run is None:
                        continue
                    if tool.startswith("imageci") and mode == "unchanged":
                        notes[tool] = (
                            "reused the pushed image" if "reused" in run.output
                            else "did not report a reuse")
                    # The first round of each mode fills caches (warm, unchanged) and is not
                    # counted; in cold mode it is the first build of a fresh rootfs.
                    if rep > 0:
                        times[(mode, tool)].append(run.seconds)
        targets = {"cold": ("<= 1.05x docker", 1.05), "warm": ("<= 1.5x docker", 1.5),
                   "unchanged": ("< 1.0x docker", 1.0)}
        for mode in ("cold", "warm", "unchanged"):
            reference = median(times[(mode, "docker")])
            for tool in tools:
                value = median(times[(mode, tool)])
                available = bool(times[(mode, tool)])
                ratio = value / reference if value and reference and tool != "docker" else None
                target, limit = targets[mode] if tool.startswith("imageci") else ("", None)
                met = ""
                if limit and ratio is not None:
                    met = "yes" if (ratio < limit if mode == "unchanged" else ratio <= limit) \
                        else "no"
                note = "" if available else self.unavailable_note(tool)
                if tool == "imageci" and available:
                    note = "through the resident process (scripts/imageci)"
                if tool == "imageci (own JVM)" and available:
                    note = "scripts/imageci with IMAGECI_RESIDENT=0: a JVM of its own per command"
                if tool.startswith("imageci") and mode == "unchanged" and available:
                    note += "; " + notes.get(tool, "")
                if tool == "buildah" and available:
                    note = (f"storage {self.args.buildah_driver}, isolation chroot, "
                            "--network host (chroot refuses none)")
                self.rows.append(Row(
                    "build and push", mode, tool, "wall time", "s", value,
                    len(times[(mode, tool)]),
                    reference="docker build + push" if tool != "docker" else "",
                    ratio=ratio, target=target, met=met if available else "n/a", note=note))

    def unavailable_note(self, tool):
        if tool.startswith("imageci") and not self.imageci_build:
            return "not available: imageci build is not on this branch"
        if tool == "buildah" and not self.buildah:
            return "not available: buildah cannot run here (see the log)"
        return "failed (see the failures below)"

    def upload(self):
        size_mib = self.args.big_rootfs_mib
        log(f"{size_mib} MiB rootfs upload")
        rootfs = os.path.join(self.work, "rootfs-big.tar")
        self.write_rootfs(rootfs, size_mib * MIB, 64, compress=False)
        # A resident process of its own, so that its peak RSS is that of these uploads.
        resident_env = dict(self.env, IMAGECI_RESIDENT_DIR=self.resident_dir("resident-upload"))
        self.await_resident(resident_env)
        envs = {"imageci": resident_env, "imageci (own JVM)": self.own_jvm_env}
        slugs = {"imageci": "imageci", "imageci (own JVM)": "imageci-own-jvm", "docker": "docker"}
        contexts = {}
        for tool, slug in slugs.items():
            tool_dir = os.path.join(self.work, "upload", slug)
            config = self.write_config(tool_dir, f"{self.repo}/upload-{slug}", "rootfs.tar", "up")
            self.render_into(config, tool_dir, rootfs, "rootfs.tar")
            contexts[tool] = (tool_dir, config, f"{self.repo}/upload-{slug}:bench")
        commands = {
            "docker": ["docker", "build", "-t", contexts["docker"][2], contexts["docker"][0]],
        }
        if self.imageci_build:
            for tool in ("imageci", "imageci (own JVM)"):
                commands[tool] = self.imageci_command(contexts[tool][1], push=False, force=True)
        self.local_images = [ctx[2] for ctx in contexts.values()]
        marker = b"Step 1/"
        results = {tool: [] for tool in commands}
        for rep in range(self.args.upload_reps + 1):
            for tool in ordered(list(commands), rep):
                command = commands[tool]
                run = self.measure(f"upload {tool}", command, marker=marker, env=envs.get(tool))
                if run is not None and rep > 0:  # the first round fills the build cache
                    results[tool].append(run)
        resident_rss = self.resident_peak_rss_mib(resident_env["IMAGECI_RESIDENT_DIR"])
        total_ref = median([r.seconds for r in results["docker"]])
        upload_ref = median([r.marker_seconds for r in results["docker"]])
        for tool in ("imageci", "imageci (own JVM)", "docker"):
            runs = results.get(tool, [])
            note = "" if runs else self.unavailable_note(tool)
            uploads = [r.marker_seconds for r in runs if r.marker_seconds is not None]
            upload = median(uploads)
            total = median([r.seconds for r in runs])
            rss = median([r.max_rss_kib / 1024 for r in runs])
            imageci = tool.startswith("imageci")
            if runs and not uploads:
                note = "the build log shows no 'Step 1/' line, so the upload was not timed apart"
            rss_note = note
            if tool == "imageci" and runs:
                rss_note = (f"the resident process's peak (VmHWM) over its warm-up and every "
                            f"upload; its client: {rss:.0f} MiB")
                rss = resident_rss
            self.rows.append(Row(
                "1 GiB rootfs", f"context upload ({size_mib} MiB)", tool,
                "start to first build step", "s", upload, len(uploads),
                reference="docker build" if imageci else "",
                ratio=upload / upload_ref if imageci and upload and upload_ref else None,
                target="<= 1.0x docker" if imageci else "",
                met=(("yes" if upload <= upload_ref else "no") if upload and upload_ref
                     else "n/a") if imageci else "", note=note))
            self.rows.append(Row(
                "1 GiB rootfs", f"build, cached ({size_mib} MiB)", tool, "wall time", "s",
                total, len(runs), reference="docker build" if imageci else "",
                ratio=total / total_ref if imageci and total and total_ref else None, note=note))
            self.rows.append(Row(
                "1 GiB rootfs", f"CLI peak RSS ({size_mib} MiB)", tool, "peak RSS", "MiB", rss,
                len(runs), target="< 200 MiB" if imageci else "",
                met=(("yes" if rss < 200 else "no") if rss else "n/a") if imageci else "",
                note=rss_note))

    def jmh(self):
        log("render and validate throughput (JMH)")
        out = os.path.join(self.args.results, "jmh.json")
        command = ["java", "-cp", f"{BENCH_JAR}:{JAR}", "org.openjdk.jmh.Main", "RenderBenchmark",
                   "-f", "1", "-t", "1", "-wi", str(self.args.jmh_warmups), "-w", "2s",
                   "-i", str(self.args.jmh_iterations), "-r", "2s", "-rf", "json", "-rff", out]
        if shutil.which("taskset"):
            command = ["taskset", "-c", "0"] + command  # one core for the JVM and all its threads
        run = self.measure("jmh", command)
        if run is None:
            return
        with open(out) as results:
            for result in json.load(results):
                score = result["primaryMetric"]["score"]
                name = result["benchmark"].rsplit(".", 1)[1]
                case, whole = {
                    "yaml": ("YAML form, validate + render", True),
                    "json": ("JSON form, validate + render", True),
                    "yamlValidateOnly": ("YAML form, validate only", False),
                    "renderOnly": ("render only", False),
                }.get(name, (name, False))
                self.rows.append(Row(
                    "render + validate", case, "imageci", "throughput",
                    "configs/s", score, len(result["primaryMetric"]["rawData"][0]),
                    target="> 20,000/s" if whole else "",
                    met=("yes" if score > 20000 else "no") if whole else "",
                    note="JMH 1.37, one thread" + (", pinned to one core"
                                                   if command[0] == "taskset" else "")))

    def history(self):
        log("history queries")
        out = os.path.join(self.args.results, "history.json")
        command = ["java", "-cp", f"{BENCH_JAR}:{JAR}", "dev.imageci.bench.HistoryBench",
                   "--records", str(self.args.history_records),
                   "--queries", str(self.args.history_queries),
                   "--sqlite", os.path.join(self.work, "history.db"), "--out", out]
        run = self.measure("history", command)
        if run is None:
            return
        with open(out) as results:
            report = json.load(results)
        if not report.get("available", False):
            for store in ("SQLite", "PostgreSQL"):
                self.rows.append(Row("history", "queries", store, "p99", "ms", None,
                                     note="not available: " + report.get("reason", "")))
            return
        for note in report.get("notes", []):
            self.failures.append(f"history: {note}")
        for entry in report["results"]:
            p99 = entry["p99Ms"]
            store_call = entry["via"] == "store"
            load = f"; loaded in {entry['loadSeconds']:.0f} s" if store_call else ""
            self.rows.append(Row(
                "history", f"{entry['query']}, via {entry['via']} ({entry['records']:,} records)",
                entry["store"], "p99", "ms", p99, entry["samples"],
                target="p99 < 5 ms" if store_call else "",
                met=("yes" if p99 < 5 else "no") if store_call else "",
                note=f"p50 {entry['p50Ms']:.3f} ms{load}"))
        with open(os.path.join(self.args.results, "history-plans.txt"), "w") as plans:
            for plan in report.get("plans", []):
                plans.write(f"{plan['store']}: {plan['query']}\n{plan['plan']}\n\n")

    # ---- clean-up ------------------------------------------------------------------------

    def clean(self):
        refs = sorted(self.pushed | set(getattr(self, "local_images", [])))
        for ref in refs:
            subprocess.run(["docker", "rmi", "-f", ref], env=self.env, capture_output=True)
        # Earlier builds of a tag that a later build took over are left untagged: remove those
        # of this run's repositories too, by id.
        listing = subprocess.run(["docker", "images", "--format", "{{.Repository}} {{.ID}}"],
                                 env=self.env, capture_output=True, text=True).stdout
        for line in listing.splitlines():
            repository, _, image_id = line.partition(" ")
            if repository.startswith(self.repo + "/"):
                subprocess.run(["docker", "rmi", "-f", image_id], env=self.env,
                               capture_output=True)
        for ref in sorted(self.pushed):
            self.delete_manifest(ref)

    def delete_manifest(self, ref):
        """Deletes the benchmark's pushed manifest (its blobs wait for the registry's GC)."""
        name, tag = ref[len(self.registry) + 1:].rsplit(":", 1)
        url = f"http://{self.registry}/v2/{name}/manifests/{tag}"
        auth = base64.b64encode(f"{self.user}:{self.password}".encode()).decode()
        headers = {"Authorization": f"Basic {auth}",
                   "Accept": "application/vnd.docker.distribution.manifest.v2+json, "
                             "application/vnd.oci.image.manifest.v1+json"}
        try:
            with urllib.request.urlopen(urllib.request.Request(url, headers=headers,
                                                               method="HEAD")) as response:
                digest = response.headers["Docker-Content-Digest"]
            urllib.request.urlopen(urllib.request.Request(
                f"http://{self.registry}/v2/{name}/manifests/{digest}", headers=headers,
                method="DELETE")).close()
        except OSError:
            pass  # never pushed, or already gone

    # ---- report --------------------------------------------------------------------------

    def machine(self):
        cpu = platform.processor() or "unknown"
        try:
            with open("/proc/cpuinfo") as info:
                for line in info:
                    if line.startswith("model name"):
                        cpu = line.split(":", 1)[1].strip()
                        break
            with open("/proc/meminfo") as info:
                memory_kib = int(info.readline().split()[1])
        except OSError:
            memory_kib = 0
        load = os.getloadavg()
        docker = subprocess.run(["docker", "version", "--format", "{{.Server.Version}}"],
                                env=self.env, capture_output=True, text=True).stdout.strip()
        java = subprocess.run(["java", "-version"], capture_output=True,
                              text=True).stderr.splitlines()[0]
        return {
            "cpu": cpu, "cores": os.cpu_count(), "memory_gib": round(memory_kib / MIB, 1),
            "kernel": platform.release(), "java": java, "docker": docker,
            "load": f"{load[0]:.2f} {load[1]:.2f} {load[2]:.2f}",
        }

    def write_report(self, started, machine):
        os.makedirs(self.args.results, exist_ok=True)
        with open(os.path.join(self.args.results, "report.csv"), "w", newline="") as out:
            writer = csv.writer(out)
            writer.writerow(["section", "case", "tool", "metric", "unit", "median", "samples",
                             "reference", "ratio", "target", "met", "note"])
            for row in self.rows:
                writer.writerow([row.section, row.case, row.tool, row.metric, row.unit,
                                 fmt(row.value, 4), row.samples, row.reference,
                                 fmt(row.ratio, 3), row.target, row.met, row.note])
        lines = [
            "# image-ci benchmark report", "",
            f"Run {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime(started))}, "
            f"{(time.time() - started) / 60:.1f} min, mode {self.args.mode}.", "",
            f"Machine: {machine['cpu']}, {machine['cores']} cores, {machine['memory_gib']} GiB "
            f"memory, Linux {machine['kernel']}; {machine['java']}; Docker Engine "
            f"{machine['docker']}. Load average at the end: {machine['load']}.", "",
            "Medians of the counted repetitions; ratios are imageci (or buildah) over the docker "
            "command line measured in the same run, the tools taking turns in balanced orders "
            "(over every 4 repetitions of a build, 6 of an upload, each tool runs right after "
            "each other one equally often), with the disk flushed (sync) before each command.",
            "",
            "| Section | Case | Tool | Median | Ratio | Target | Met | Note |",
            "|---|---|---|---|---|---|---|---|",
        ]
        for row in self.rows:
            value = "n/a" if row.value is None else f"{fmt(row.value, 3)} {row.unit}"
            ratio = "" if row.ratio is None else f"{row.ratio:.2f}x {row.reference}"
            lines.append(f"| {row.section} | {row.case} | {row.tool} | {value} | {ratio} | "
                         f"{row.target} | {row.met} | {row.note} |")
        if self.failures:
            lines += ["", "## Failures", ""]
            lines += [f"- {failure.replace(os.linesep, ' ')[:800]}" for failure in self.failures]
        lines.append("")
        with open(os.path.join(self.args.results, "report.md"), "w") as out:
            out.write("\n".join(lines))


def fmt(value, digits):
    if value is None:
        return ""
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    return f"{value:.{digits}g}"


def balanced_orders(count):
    """Orders of range(count) in which every tool directly follows every other tool equally often
    (a Williams design: count orders, or twice as many for an odd count). Rotating one order is not
    enough: it keeps the same neighbours, and one tool would always run right after buildah."""
    first, low, high = [0], 1, count - 1
    while len(first) < count:
        if len(first) % 2:
            first.append(low)
            low += 1
        else:
            first.append(high)
            high -= 1
    orders = [[(tool + shift) % count for tool in first] for shift in range(count)]
    if count % 2:
        orders += [list(reversed(order)) for order in orders]
    return orders


def ordered(tools, rep):
    """The tools in the order for counted repetition rep (1, 2, ...); rep 0, which fills caches and
    is not counted, takes the last order, so the counted ones start the design from its first."""
    orders = balanced_orders(len(tools))
    return [tools[i] for i in orders[(rep - 1) % len(orders)]]


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--work", required=True)
    parser.add_argument("--results", default=os.path.join(ROOT, "bench", "results"))
    parser.add_argument("--mode", default="full")
    parser.add_argument("--sections", default="startup,e2e,upload,jmh,history")
    parser.add_argument("--reps", type=int, default=8)
    # Twelve: the upload is at parity with docker's, and six left its verdict to chance.
    parser.add_argument("--upload-reps", type=int, default=12)
    parser.add_argument("--startup-reps", type=int, default=20)
    parser.add_argument("--small-rootfs-mib", type=int, default=8)
    parser.add_argument("--big-rootfs-mib", type=int, default=1024)
    # About 12 s of warm-up: on one core the YAML reader is compiled late.
    parser.add_argument("--jmh-warmups", type=int, default=6)
    parser.add_argument("--jmh-iterations", type=int, default=5)
    parser.add_argument("--history-records", type=int, default=1_000_000)
    parser.add_argument("--history-queries", type=int, default=1000)
    parser.add_argument("--buildah-driver", default="vfs")
    args = parser.parse_args()

    started = time.time()
    bench = Bench(args)
    sections = args.sections.split(",")
    try:
        bench.prepare()
        for section, method in (("startup", bench.startup), ("e2e", bench.end_to_end),
                                ("upload", bench.upload), ("jmh", bench.jmh),
                                ("history", bench.history)):
            if section in sections:
                try:
                    method()
                except Exception as error:  # one broken section must not lose the others
                    bench.failures.append(f"{section}: {error}")
                    log(f"{section} failed: {error}")
    finally:
        bench.stop_resident()
        bench.clean()
        bench.write_report(started, bench.machine())
    log(f"wrote {args.results}/report.md and report.csv")
    return 1 if bench.failures else 0


if __name__ == "__main__":
    sys.exit(main())
