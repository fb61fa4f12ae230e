"""Completions: `oddsctl completion bash|zsh|fish` prints the script, completions/ holds
exactly that output, and the real shells complete with it: subcommands, flags, a command's
own choices (`sync pin --tier` has no `auto`), comma lists (`--regions au,<TAB>`), and the
settings table's choices (`--color`, `--log-level`)."""

import os
import shutil
import subprocess
import tempfile
import unittest

from harness import BIN, SOURCE_DIR, E2ETest, main

FILES = {"bash": "oddsctl.bash", "zsh": "_oddsctl", "fish": "oddsctl.fish"}


def script(shell):
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": tempfile.gettempdir()}
    return subprocess.run([BIN, "completion", shell], capture_output=True, text=True, env=env, timeout=30,
                          check=True).stdout


# The completion tests of zsh: an interactive zsh on a pseudo-terminal (zpty) whose compadd
# prints each match it is given, then the line typed with a TAB (after zsh-capture-completion).
# The set-up is one sourced file: once ^M and ^J are unbound no later line would run.
ZSH_SETUP = r'''
PROMPT=''
autoload -U compinit; compinit -u -d "$ZCOMPDUMP"
source "$SCRIPT"
null-line () { echo -E - $'\0' }
compprefuncs=( null-line )
comppostfuncs=( null-line exit )
zstyle ':completion:*' list-grouped false
zstyle ':completion:*' insert-tab false
zstyle ':completion:*' list-separator ''
zmodload zsh/zutil
compadd () {
  if [[ ${@[1,(i)(-|--)]} == *-(O|A|D)\ * ]]; then builtin compadd "$@"; return $?; fi
  typeset -a __hits
  builtin compadd -A __hits "$@"
  setopt localoptions norcexpandparam extendedglob
  typeset -A apre hpre
  zparseopts -E P:=apre p:=hpre
  [[ -n $__hits ]] || return
  local i
  for i in {1..$#__hits}; do echo -E - "MATCH:$IPREFIX$apre$hpre$__hits[$i]"; done
}
bindkey '^M' undefined
bindkey '^J' undefined
bindkey '^I' complete-word
'''

ZSH_CAPTURE = r'''
zmodload zsh/zpty
zpty z zsh -f -i
zpty -w z "source ${(q)SETUP}"
zpty -w z "$LINE"$'\t'
integer tog=0
# The shell exits after completing (comppostfuncs): read until the pty closes; the matches
# are the lines between the two null lines.
while zpty -r z; do :; done | while IFS= read -r line; do
  if [[ $line == *$'\0'* ]]; then
    (( tog++ )) && exit 0 || continue
  fi
  (( tog )) && print -r -- "$line"
done
exit 0
'''


class CompletionScriptsTest(E2ETest):
    def test_the_files_are_what_the_binary_prints(self):
        for shell, name in FILES.items():
            with open(os.path.join(SOURCE_DIR, "completions", name), encoding="utf-8") as f:
                self.assertEqual(f.read(), script(shell),
                                 "completions/%s differs from `oddsctl completion %s`: run scripts/gen-completions" % (
                                     name, shell))
        self.run_cli("completion", "tcsh", check=2)
        self.run_cli("completion", "bash", "--json", check=2)

    def test_gen_completions_check_agrees(self):
        proc = subprocess.run(["python3", os.path.join(SOURCE_DIR, "scripts", "gen-completions"), "--check", BIN],
                              capture_output=True, text=True, timeout=60)
        self.assertEqual(proc.returncode, 0, proc.stderr)


class BashTest(E2ETest):
    def complete(self, *cases):
        """Each case: the words typed, the last being the current one; COMPREPLY, space-joined."""
        path = os.path.join(self.tmp, "oddsctl.bash")
        with open(path, "w") as f:
            f.write(script("bash"))
        lines = ['source "%s"' % path,
                 't() { COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]}-1)); COMPREPLY=(); _oddsctl;'
                 ' echo "${COMPREPLY[*]}"; }']
        for words in cases:
            lines.append("t " + " ".join("'%s'" % w for w in words))
        proc = subprocess.run(["bash", "--norc", "--noprofile", "-c", "\n".join(lines)], capture_output=True,
                              text=True, timeout=30)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        return proc.stdout.splitlines()

    def test_values_come_from_the_command_and_the_table(self):
        got = self.complete(["oddsctl", "sync", "pin", "X", "--tier", ""],
                            ["oddsctl", "sync", "--tier", ""],
                            ["oddsctl", "scan", "--regions", "au,"],
                            ["oddsctl", "scan", "--regions", "au,uk,u"],
                            ["oddsctl", "cache", "get", "--region", ""],
                            ["oddsctl", "--color", ""],
                            ["oddsctl", "scan", "--log-level", "w"],
                            ["oddsctl", "scan", "--markets", "h2h,"],
                            ["oddsctl", "sync", "p"],
                            ["oddsctl", "comp"])
        self.assertEqual(got, ["hot warm cold frozen",
                               "auto hot warm cold frozen",
                               "au,uk au,us au,eu",
                               "au,uk,us",
                               "au uk us eu all",
                               "auto always never",
                               "warn",
                               "h2h,spreads h2h,totals",
                               "pin",
                               "completion"])


@unittest.skipUnless(shutil.which("zsh"), "zsh is not installed (scripts/setup installs it)")
class ZshTest(E2ETest):
    def complete(self, line):
        path = os.path.join(self.tmp, "_oddsctl")
        with open(path, "w") as f:
            f.write(script("zsh"))
        capture = os.path.join(self.tmp, "capture.zsh")
        with open(capture, "w") as f:
            f.write(ZSH_CAPTURE)
        setup = os.path.join(self.tmp, "setup.zsh")
        with open(setup, "w") as f:
            f.write(ZSH_SETUP)
        env = {"PATH": os.path.dirname(os.path.abspath(BIN)) + os.pathsep + os.environ.get("PATH", ""),
               "HOME": self.tmp, "SCRIPT": path, "SETUP": setup, "LINE": line, "ZCOMPDUMP": os.path.join(self.tmp, "zcompdump"),
               "TERM": "dumb"}
        proc = subprocess.run(["zsh", "-f", capture], capture_output=True, text=True, timeout=60, env=env)
        matches = [l.split("MATCH:", 1)[1].strip() for l in proc.stdout.replace("\r", "\n").splitlines()
                   if "MATCH:" in l and "echo -E" not in l]
        return matches

    def test_tier_of_sync_pin_has_no_auto(self):
        self.assertEqual(sorted(self.complete("oddsctl sync pin X --tier ")), ["cold", "frozen", "hot", "warm"])

    def test_subcommands_and_comma_lists(self):
        self.assertIn("pin", self.complete("oddsctl sync "))
        got = [m.rsplit(",", 1)[-1] for m in self.complete("oddsctl scan --regions au,")]
        self.assertTrue(set(got) >= {"uk", "us", "eu"}, got)
        self.assertNotIn("au", got)
        self.assertEqual(sorted(self.complete("oddsctl --color ")), ["always", "auto", "never"])


@unittest.skipUnless(shutil.which("fish"), "fish is not installed (scripts/setup installs it)")
class FishTest(E2ETest):
    def complete(self, *lines):
        path = os.path.join(self.tmp, "oddsctl.fish")
        with open(path, "w") as f:
            f.write(script("fish"))
        cmd = 'source "%s"; ' % path + "; ".join('complete -C "%s"; echo ---' % l for l in lines)
        proc = subprocess.run(["fish", "--no-config", "-c", cmd], capture_output=True, text=True, timeout=30,
                              env={"PATH": os.environ.get("PATH", ""), "HOME": self.tmp})
        self.assertEqual(proc.returncode, 0, proc.stderr)
        out, cur = [], []
        for l in proc.stdout.splitlines():
            if l == "---":
                out.append(cur)
                cur = []
            else:
                cur.append(l.split("\t")[0])
        return out

    def test_values_subcommands_and_comma_lists(self):
        tier, auto_tier, regions, color, subs = self.complete(
            "oddsctl sync pin X --tier ", "oddsctl sync --tier ", "oddsctl scan --regions au,", "oddsctl --color ",
            "oddsctl sync ")
        self.assertEqual(sorted(tier), ["cold", "frozen", "hot", "warm"])
        self.assertIn("auto", auto_tier)
        self.assertEqual(sorted(regions), ["au,eu", "au,uk", "au,us"])
        self.assertEqual(sorted(color), ["always", "auto", "never"])
        self.assertTrue({"pin", "unpin", "list"} <= set(subs), subs)


if __name__ == "__main__":
    main()
