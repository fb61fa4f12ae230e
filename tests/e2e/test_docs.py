"""Docs follow the real command line: every flag that `oddsctl <cmd> --help` lists is in the
bash, zsh and fish completions (for that command) and in the command's man page; every
subcommand has man/oddsctl-<cmd>.md and .1; `cmake --install` puts everything where the
packaging conventions expect it."""

import json
import os
import re
import shutil
import subprocess
import tempfile
import unittest

from harness import BIN, SOURCE_DIR, main

COMPLETIONS = os.path.join(SOURCE_DIR, "completions")
MAN = os.path.join(SOURCE_DIR, "man")
MAN_SECTIONS = ["NAME", "SYNOPSIS", "DESCRIPTION", "OPTIONS", "EXIT STATUS", "ENVIRONMENT", "FILES", "EXAMPLES"]


def run_help(path):
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "NO_COLOR": "1", "HOME": tempfile.gettempdir()}
    proc = subprocess.run([BIN] + path + ["--help"], capture_output=True, text=True, env=env, timeout=30)
    if proc.returncode != 0:
        raise AssertionError("%s --help exited %d: %s" % (" ".join(path), proc.returncode, proc.stderr))
    return proc.stdout


def parse_help(text):
    """Long flags from the option-name column of CLI11's Options section, and subcommands."""
    flags, subs, section = [], [], None
    for line in text.splitlines():
        if re.match(r"^\S.*:$", line):
            section = line[:-1].strip()
        elif section == "Options" and re.match(r"^  -", line):
            names = re.split(r"\s", line.strip(), maxsplit=1)[0]
            flags += [n for n in names.split(",") if n.startswith("--") and n != "--help"]
        elif section == "Subcommands" and re.match(r"^  \S", line):
            subs.append(line.split()[0])
    return flags, subs


def command_tree():
    """{(): [global flags], ("cache",): [...], ("cache", "get"): [...], ...}"""
    tree = {}

    def walk(path):
        flags, subs = parse_help(run_help(list(path)))
        tree[path] = flags
        for s in subs:
            walk(path + (s,))

    walk(())
    return tree


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def roff_text(text):
    """Roff with its escapes undone enough to search for flags: \\- is -, fonts dropped. An en
    dash (\\[en], pandoc's smart typography for "--") is left as it is: such a flag does not match."""
    text = re.sub(r"\\f(\[[A-Z]*\]|[A-Z])", "", text)
    return text.replace("\\-", "-")


# An oddsctl invocation in a script, unit file or example: the binary's name (or the
# variable holding it) and what follows, up to a shell separator.
INVOCATION = re.compile(r"""(?:\boddsctl|\$\{?ODDSCTL_BIN\}?"?)\s+([^;&|><'`)]*)""")


def invocations(text):
    """[(args...)] of each oddsctl command line in text; JSON exec forms (Dockerfile CMD) too."""
    out = []
    for line in text.splitlines():
        for m in INVOCATION.finditer(line):
            out.append(m.group(1).split())
        cmd = re.match(r'^\s*CMD\s+(\[.*\])\s*$', line)
        if cmd:
            import json
            out.append(json.loads(cmd.group(1)))
    return out


class DocsTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tree = command_tree()
        cls.globals = cls.tree[()]
        cls.top = sorted({p[0] for p in cls.tree if p})

    def test_the_cli_has_the_commands_we_document(self):
        for cmd in ("scan", "cache", "cleanup", "sync", "budget", "store", "alerts", "config"):
            self.assertIn(cmd, self.top)
        for nested in (("cache", "get"), ("store", "migrate"), ("config", "show")):
            self.assertIn(nested, self.tree)
        self.assertIn("--store", self.globals)

    # -- completions -------------------------------------------------------------------
    def completion(self, name):
        path = os.path.join(COMPLETIONS, name)
        self.assertTrue(os.path.exists(path), "missing %s (run scripts/gen-completions)" % path)
        return read(path)

    def missing_report(self, missing, name):
        return "%s lacks (command: flags): %s -- run scripts/gen-completions and commit" % (
            name, "; ".join("%s: %s" % (" ".join(p) or "oddsctl", " ".join(f)) for p, f in sorted(missing.items())))

    def test_bash_completion_has_every_command_and_flag(self):
        text = self.completion("oddsctl.bash")
        blocks = dict(re.findall(r'^\s*"([^"]*)"\) words="\$words ([^"]*)" ;;$', text, re.M))
        global_words = re.search(r'^\s*local words="([^"]*)"$', text, re.M)
        self.assertIsNotNone(global_words, "no global word list in oddsctl.bash")
        global_words = set(global_words.group(1).split())
        missing = {}
        for path, flags in self.tree.items():
            words = set(blocks.get(" ".join(path), "").split()) | global_words
            lacking = [f for f in flags if f not in words]
            subs = [p[-1] for p in self.tree if len(p) == len(path) + 1 and p[:-1] == path]
            lacking += [s for s in subs if s not in words]
            if lacking:
                missing[path] = lacking
        self.assertEqual(missing, {}, self.missing_report(missing, "oddsctl.bash"))

    def test_zsh_completion_has_every_command_and_flag(self):
        text = self.completion("_oddsctl")
        self.assertTrue(text.startswith("#compdef oddsctl"))
        funcs = dict(re.findall(r"^(_oddsctl\w*)\(\) \{\n(.*?)^\}", text, re.M | re.S))
        globals_block = re.search(r"^_oddsctl_global_specs=\((.*?)^\)", text, re.M | re.S)
        self.assertIsNotNone(globals_block)
        missing = {}
        for path, flags in self.tree.items():
            fn = "_oddsctl" + "".join("_" + p.replace("-", "_") for p in path)
            body = funcs.get(fn, "") + globals_block.group(1)
            lacking = [f for f in flags if not re.search(r"['*]%s=?\[" % re.escape(f), body)]
            subs = [p[-1] for p in self.tree if len(p) == len(path) + 1 and p[:-1] == path]
            lacking += [s for s in subs if "'%s:" % s not in funcs.get(fn, "")]
            if lacking:
                missing[path] = lacking
        self.assertEqual(missing, {}, self.missing_report(missing, "_oddsctl"))

    def test_fish_completion_has_every_command_and_flag(self):
        text = self.completion("oddsctl.fish")
        lines = text.splitlines()
        missing = {}
        for path, flags in self.tree.items():
            cond = "__oddsctl_at %s" % ("'%s'" % " ".join(path) if path else "''")
            mine = [l for l in lines if l.startswith("complete -c oddsctl") and
                    (cond.replace("'", "\\'") in l or (" -n " not in l))]
            lacking = [f for f in flags if not any(re.search(r" -l %s( |$)" % re.escape(f[2:]), l) for l in mine)]
            subs = [p[-1] for p in self.tree if len(p) == len(path) + 1 and p[:-1] == path]
            lacking += [s for s in subs if not any(" -a '%s' " % s in l for l in mine)]
            if lacking:
                missing[path] = lacking
        self.assertEqual(missing, {}, self.missing_report(missing, "oddsctl.fish"))

    def test_bash_completion_completes(self):
        script = (
            'source "%s"\n'
            't() { COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]}-1)); COMPREPLY=(); _oddsctl;'
            ' echo "${COMPREPLY[*]}"; }\n'
            't oddsctl cache g\n'
            't oddsctl --store x.db cache get --max-a\n'
            't oddsctl cache get --region ""\n'
            't oddsctl al\n') % os.path.join(COMPLETIONS, "oddsctl.bash")
        proc = subprocess.run(["bash", "--norc", "--noprofile", "-c", script], capture_output=True, text=True,
                              timeout=30)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertEqual(proc.stdout.splitlines(), ["get", "--max-age", "au uk us eu all", "alerts"])

    @unittest.skipUnless(shutil.which("zsh"), "zsh is not installed")
    def test_zsh_completion_parses(self):
        proc = subprocess.run(["zsh", "-n", os.path.join(COMPLETIONS, "_oddsctl")], capture_output=True, text=True)
        self.assertEqual(proc.returncode, 0, proc.stderr)

    @unittest.skipUnless(shutil.which("fish"), "fish is not installed")
    def test_fish_completion_completes(self):
        path = os.path.join(COMPLETIONS, "oddsctl.fish")
        proc = subprocess.run(["fish", "--no-config", "-c", 'source "%s"; complete -C "oddsctl cache g"; '
                               'complete -C "oddsctl alerts --esc"' % path],
                              capture_output=True, text=True, timeout=30,
                              env={"PATH": os.environ.get("PATH", ""), "HOME": tempfile.gettempdir()})
        self.assertEqual(proc.returncode, 0, proc.stderr)
        got = [l.split("\t")[0] for l in proc.stdout.splitlines()]
        self.assertEqual(got, ["get", "--escalation-step"])

    # -- man pages ---------------------------------------------------------------------
    def flags_of(self, cmd):
        out = []
        for path, flags in self.tree.items():
            if path and path[0] == cmd:
                out += [f for f in flags if f not in out]
        return out

    def test_every_subcommand_has_a_man_page_with_its_flags(self):
        problems = []
        for cmd in ["oddsctl"] + self.top:
            name = "oddsctl" if cmd == "oddsctl" else "oddsctl-" + cmd
            md, roff = os.path.join(MAN, name + ".md"), os.path.join(MAN, name + ".1")
            if not os.path.exists(md):
                problems.append("%s: no man/%s.md" % (cmd, name))
                continue
            if not os.path.exists(roff):
                problems.append("%s: no man/%s.1 (run scripts/gen-man)" % (cmd, name))
                continue
            source, page = read(md), roff_text(read(roff))
            title = "% " + name.upper() + "(1)"
            if not source.startswith(title):
                problems.append("%s.md: does not start with the title block %r" % (name, title))
            headings = re.findall(r"^#\s+(.+?)\s*$", source, re.M)
            # OPTIONS may be split ("GLOBAL OPTIONS", "MIGRATE OPTIONS"): any such heading counts.
            lacking = [s for s in MAN_SECTIONS
                       if s not in headings and not (s == "OPTIONS" and any(h.endswith("OPTIONS") for h in headings))]
            if lacking:
                problems.append("%s.md: no section %s" % (name, ", ".join(lacking)))
            flags = self.globals if cmd == "oddsctl" else self.flags_of(cmd)
            for f in flags:
                pattern = re.escape(f) + r"(?![\w-])"
                if not re.search(pattern, source):
                    problems.append("%s.md: does not mention %s" % (name, f))
                elif not re.search(pattern, page):
                    problems.append("%s.1: does not mention %s (stale? run scripts/gen-man)" % (name, f))
        self.assertEqual(problems, [], "\n".join(problems))

    @unittest.skipUnless(shutil.which("pandoc"), "pandoc is not installed")
    def test_the_settings_section_comes_from_the_settings_table(self):
        # oddsctl-config(1) lists exactly what `oddsctl config keys` declares.
        proc = subprocess.run([os.path.join(SOURCE_DIR, "scripts", "gen-settings-doc"), "--check", BIN],
                              capture_output=True, text=True)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        keys = json.loads(subprocess.run([BIN, "config", "keys", "--json"], capture_output=True, text=True,
                                         check=True).stdout)["settings"]
        page = read(os.path.join(MAN, "oddsctl-config.md"))
        for k in keys:
            self.assertIn("`%s`" % k["key"], page)

    def test_man_pages_are_generated_from_their_sources(self):
        stale = []
        for md in sorted(f for f in os.listdir(MAN) if f.endswith(".md")):
            roff = os.path.join(MAN, md[:-3] + ".1")
            proc = subprocess.run(["pandoc", "-s", "-f", "markdown-smart", "-t", "man", os.path.join(MAN, md)], capture_output=True,
                                  text=True, timeout=60)
            self.assertEqual(proc.returncode, 0, proc.stderr)
            if not os.path.exists(roff) or read(roff) != proc.stdout:
                stale.append(md[:-3] + ".1")
        self.assertEqual(stale, [], "out of date: %s (run scripts/gen-man and commit)" % ", ".join(stale))

    # -- ready schedules and examples ---------------------------------------------------------
    def check_invocation(self, args, where, problems):
        """The subcommand path must exist and each --flag must belong to it (or be global)."""
        path, i = (), 0
        while i < len(args) and path + (args[i],) in self.tree:
            path += (args[i],)
            i += 1
        if not path:
            return False  # prose ("oddsctl from cron"), not a command line
        allowed = set(self.globals)
        for k in range(1, len(path) + 1):
            allowed.update(self.tree[path[:k]])
        for a in args[i:]:
            if a.startswith("--"):
                flag = a.split("=", 1)[0]
                if flag not in allowed:
                    problems.append("%s: oddsctl %s has no flag %s" % (where, " ".join(path), flag))
        return True

    def test_deploy_files_and_man_examples_use_real_commands_and_flags(self):
        deploy = os.path.join(SOURCE_DIR, "deploy")
        files = []
        for folder, _, names in os.walk(deploy):
            files += [os.path.join(folder, n) for n in names]
        files += [os.path.join(MAN, n) for n in os.listdir(MAN) if n.endswith(".md")]
        problems, checked = [], 0
        for path in sorted(files):
            text = read(path)
            if path.endswith(".md"):  # only the examples: indented code blocks
                text = "\n".join(l for l in text.splitlines() if l.startswith("    "))
            for args in invocations(text):
                checked += self.check_invocation(args, os.path.relpath(path, SOURCE_DIR), problems)
        self.assertGreater(checked, 20)
        self.assertEqual(problems, [], "\n".join(problems))

    def test_deploy_files_are_well_formed(self):
        deploy = os.path.join(SOURCE_DIR, "deploy")
        for name in ("render.yaml", os.path.join("github-actions", "oddsctl.yml")):
            text = read(os.path.join(deploy, name))
            self.assertNotIn("\t", text, name + ": YAML must not hold tabs")
            try:
                import yaml
            except ImportError:
                continue
            doc = yaml.safe_load(text)
            self.assertIsInstance(doc, dict, name)
        systemd = os.path.join(deploy, "systemd")
        for unit in sorted(os.listdir(systemd)):
            if unit.endswith(".timer"):
                self.assertTrue(os.path.exists(os.path.join(systemd, unit[:-6] + ".service")), unit)
            if unit.endswith((".service", ".timer")):
                sections = re.findall(r"^\[(\w+)\]$", read(os.path.join(systemd, unit)), re.M)
                self.assertIn("Service" if unit.endswith(".service") else "Timer", sections, unit)
        # The worker image installs the same build packages as scripts/setup: it runs it.
        self.assertIn("scripts/setup", read(os.path.join(deploy, "docker", "Dockerfile")))
        self.assertIn("FROM debian:bookworm-slim", read(os.path.join(deploy, "docker", "Dockerfile")))

    @unittest.skipUnless(shutil.which("readelf") and shutil.which("dpkg-query") and shutil.which("ldconfig"),
                         "readelf, dpkg or ldconfig is not installed")
    def test_worker_image_installs_every_library_the_binary_loads(self):
        """The run stage of the Dockerfile installs runtime packages by name, so a library the
        build starts to load (linked, or dlopened on first use by soname) must be added there
        by hand; this names the one that was not."""
        bin_dir = os.path.dirname(os.path.abspath(BIN))
        objects = [BIN] + sorted(os.path.join(bin_dir, f) for f in os.listdir(bin_dir)
                                 if f.startswith("oddsctl-") and f.endswith(".so"))
        sonames = set()
        for obj in objects:
            dyn = subprocess.run(["readelf", "-d", obj], capture_output=True, text=True, timeout=30).stdout
            sonames |= set(re.findall(r"\(NEEDED\)\s+Shared library: \[([^\]]+)\]", dyn))
        # Loaded on first use (ODDSCTL_LAZY_LIBS): the sonames are string literals in the binary.
        with open(BIN, "rb") as f:
            sonames |= {m.decode() for m in re.findall(rb"\blib[A-Za-z0-9_+.-]+\.so\.[0-9]+\b", f.read())}
        cache = subprocess.run(["ldconfig", "-p"], capture_output=True, text=True, timeout=30).stdout
        # "(libc6,x86-64)", "(libc6,AArch64)", ...; a bare "(libc6)" is a 32-bit library, used
        # only where no native one is listed.
        paths = {}
        for soname, native, path in re.findall(r"^\s+(\S+) \(libc6(,[^)]*)?\) => (\S+)$", cache, re.M):
            if native or soname not in paths:
                paths[soname] = path
        text = read(os.path.join(SOURCE_DIR, "deploy", "docker", "Dockerfile"))
        run_stage = text[text.rindex("FROM "):]
        installed = set(re.findall(r"[a-z0-9][a-z0-9.+-]+", run_stage[:run_stage.index("rm -rf")]))
        base = {"libc6", "libgcc-s1", "libstdc++6"}  # in debian:bookworm-slim itself
        sanitizer = {"libasan8", "libubsan1", "libtsan2", "liblsan0"}  # a sanitizer build's, never the image's
        missing = []
        for soname in sorted(sonames):
            # The build linked against each of them, so each is on this machine.
            self.assertIn(soname, paths, "ldconfig -p does not list %s" % soname)
            owner = subprocess.run(["dpkg-query", "-S", os.path.realpath(paths[soname])], capture_output=True,
                                   text=True, timeout=30).stdout.split(":")[0]
            if owner and owner not in base | sanitizer and owner not in installed:
                missing.append("%s (%s)" % (owner, soname))
        self.assertEqual(missing, [], "deploy/docker/Dockerfile's run stage does not install these")

    @unittest.skipUnless(shutil.which("systemd-analyze"), "systemd-analyze is not installed")
    def test_systemd_units_verify(self):
        tmp = tempfile.mkdtemp(prefix="oddsctl-units-")
        self.addCleanup(shutil.rmtree, tmp, True)
        systemd = os.path.join(SOURCE_DIR, "deploy", "systemd")
        units = []
        for unit in sorted(os.listdir(systemd)):
            if unit.endswith((".service", ".timer")):
                text = read(os.path.join(systemd, unit)).replace("/usr/local/bin/oddsctl", os.path.abspath(BIN))
                with open(os.path.join(tmp, unit), "w") as f:
                    f.write(text)
                units.append(os.path.join(tmp, unit))
        proc = subprocess.run(["systemd-analyze", "verify", "--man=no"] + units, capture_output=True, text=True,
                              timeout=120)
        complaints = [l for l in (proc.stdout + proc.stderr).splitlines()
                      if tmp in l and ("Unknown" in l or "Invalid" in l or "Failed to parse" in l or "bad" in l)]
        self.assertEqual(complaints, [], proc.stdout + proc.stderr)

    # -- install ---------------------------------------------------------------------------
    def test_cmake_install_puts_everything_in_place(self):
        build = os.path.dirname(os.path.abspath(shutil.which(BIN) or BIN))
        if not os.path.exists(os.path.join(build, "cmake_install.cmake")):
            self.skipTest("ODDSCTL_BIN is not in a CMake build folder")
        prefix = tempfile.mkdtemp(prefix="oddsctl-install-")
        self.addCleanup(shutil.rmtree, prefix, True)
        proc = subprocess.run(["cmake", "--install", build, "--prefix", prefix], capture_output=True, text=True,
                              timeout=300)
        self.assertEqual(proc.returncode, 0, proc.stdout + proc.stderr)
        share = os.path.join(prefix, "share")
        expected = [os.path.join(prefix, "bin", "oddsctl"),
                    os.path.join(share, "bash-completion", "completions", "oddsctl"),
                    os.path.join(share, "zsh", "vendor-completions", "_oddsctl"),
                    os.path.join(share, "fish", "vendor_completions.d", "oddsctl.fish"),
                    os.path.join(share, "oddsctl", "plans.toml"),
                    os.path.join(share, "oddsctl", "demo"),
                    os.path.join(share, "man", "man1", "oddsctl.1")]
        expected += [os.path.join(share, "man", "man1", "oddsctl-%s.1" % c) for c in self.top]
        missing = [p[len(prefix):] for p in expected if not os.path.exists(p)]
        self.assertEqual(missing, [], "not installed under the prefix: %s" % ", ".join(missing))
        self.assertEqual(read(os.path.join(share, "bash-completion", "completions", "oddsctl")),
                         read(os.path.join(COMPLETIONS, "oddsctl.bash")))
        # The installed binary finds its data (the demo) beside it, not in the source tree.
        tmp = tempfile.mkdtemp(prefix="oddsctl-installed-run-")
        self.addCleanup(shutil.rmtree, tmp, True)
        env = {"PATH": "/usr/bin:/bin", "HOME": tmp, "XDG_STATE_HOME": os.path.join(tmp, "state")}
        proc = subprocess.run([os.path.join(prefix, "bin", "oddsctl"), "scan", "--demo", "--no-store", "--json"],
                              capture_output=True, text=True, env=env, timeout=60)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        # Relocatable: no path of the source tree is compiled in, and the installed tree
        # still works once moved elsewhere (its data and modules found from the binary).
        with open(os.path.join(prefix, "bin", "oddsctl"), "rb") as f:
            binary = f.read()
        self.assertNotIn(os.path.abspath(SOURCE_DIR).encode() + b"/data", binary)
        moved = prefix + "-moved"
        os.rename(prefix, moved)
        self.addCleanup(shutil.rmtree, moved, True)
        proc = subprocess.run([os.path.join(moved, "bin", "oddsctl"), "scan", "--demo", "--no-store", "--json"],
                              capture_output=True, text=True, env=env, timeout=60)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertTrue(json.loads(proc.stdout)["opportunities"], "the moved install found no demo data")


if __name__ == "__main__":
    main()
