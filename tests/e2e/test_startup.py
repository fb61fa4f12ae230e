"""Start-up cost (issue 4): commands that make no HTTP request, hash nothing and read no /odds
body must not load libcurl (and its ~30 libraries), libcrypto, libsimdjson or libmongoc; a
scan loads libcurl and libsimdjson on first use and works. glibc's loader names each library
it initialises under LD_DEBUG=libs, so this checks what is loaded, never how long it takes
(that is scripts/bench-cache's job).
"""

from harness import E2ETest, main, make_bookmaker, make_event

KEY = "test-key-au-0123456789abcdef"
HEAVY = ("libcurl", "libcrypto", "libmongoc", "libgnutls", "libicu", "libsimdjson")
# Compiled in (header-only), never loaded: each was a share of every command's start-up.
COMPILED_IN = ("libspdlog", "libfmt", "libtomlplusplus")


def initialised(stderr):
    """The file names the loader initialised, from LD_DEBUG=libs output."""
    return [line.split("calling init:")[1].strip() for line in stderr.splitlines() if "calling init:" in line]


class StartupTest(E2ETest):
    def loaded_by(self, *args, code=0, env=None):
        proc = self.run_cli(*args, env=dict(env or {}, LD_DEBUG="libs"))
        self.assertEqual(proc.returncode, code, proc.stderr[-2000:])
        libs = initialised(proc.stderr)
        self.assertTrue(libs, "LD_DEBUG=libs printed nothing: not glibc?")
        return libs

    def assert_light(self, libs):
        heavy = [lib for lib in libs if any(h in lib for h in HEAVY + COMPILED_IN)]
        self.assertEqual(heavy, [], "loaded at start-up: %s" % libs)

    def test_commands_without_http_stay_light(self):
        self.assert_light(self.loaded_by("--version"))
        self.run_cli("cleanup", "--dry-run", check=0)  # a store to read: readers never create one
        self.assert_light(self.loaded_by("cache", "list"))
        self.assert_light(self.loaded_by("cache", "get", "--region", "au", "--json", code=4))

    def test_scan_loads_libcurl_on_first_use(self):
        self.fake.add_key(KEY)
        self.fake.set_events("au", "basketball_nbl", [make_event("ev1", "A", "B", sport_key="basketball_nbl",
                                                                 bookmakers=[make_bookmaker("neds", "A", "B",
                                                                                            h2h=(2.1, 1.8))])])
        libs = self.loaded_by("scan", "--regions", "au", "--json", env={"ODDS_API_KEY_AU": KEY})
        self.assertTrue(any("libcurl" in lib for lib in libs), libs)
        self.assertTrue(any("libsimdjson" in lib for lib in libs), libs)  # the /odds reader, on first use
        self.assertEqual([lib for lib in libs if any(c in lib for c in COMPILED_IN)], [], libs)
        doc = self.run_json("cache", "get", "--region", "au")
        self.assertEqual(doc["regions"][0]["status"], "ok")


if __name__ == "__main__":
    main()
