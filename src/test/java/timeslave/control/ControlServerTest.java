package timeslave.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import timeslave.core.Status;
import timeslave.ref.ListLog;

/** The control socket over a real Unix socket in a temp directory, and timeslave-ctl against it. */
class ControlServerTest {
    @TempDir
    Path dir;

    final AtomicReference<Status> status = new AtomicReference<>(Snapshots.synced());
    final List<String> actions = new ArrayList<>();
    final ListLog log = new ListLog(0);
    final ControlServer.Actions fake = new ControlServer.Actions() {
        @Override
        public String debug(int level) {
            actions.add("debug " + level);
            return "debugging set to " + level;
        }

        @Override
        public String reload() {
            actions.add("reload");
            if (reloadFails) {
                throw new IllegalArgumentException("/etc/timeslave/timeslave.options: unknown option -Z; nothing changed");
            }
            return "reload: /etc/timeslave/timeslave.options read";
        }
    };
    boolean reloadFails;
    ControlServer server;

    @AfterEach
    void close() {
        if (server != null) {
            server.close();
        }
    }

    ControlServer start() throws IOException {
        server = ControlServer.start(dir.resolve("run/timeslave.sock"), status::get, ServerStats.NONE, fake, log);
        return server;
    }

    record Run(int status, String out, String err) {
    }

    Run ctl(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        List<String> all = new ArrayList<>(List.of("--control", dir.resolve("run/timeslave.sock").toString()));
        all.addAll(List.of(args));
        int s = Ctl.run(all, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(s, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void theSocketIsCreatedWithItsDirectoryAndMode0660AndRemovedAtClose() throws Exception {
        Path p = start().path();
        assertTrue(Files.exists(p));
        assertEquals("rw-rw----", PosixFilePermissions.toString(Files.getPosixFilePermissions(p)));
        server.close();
        server = null;
        assertFalse(Files.exists(p), "the socket file is removed");
    }

    @Test
    void trackingSourcesAndTheirMachineFormsAreAnswered() throws Exception {
        start();
        Run t = ctl("tracking");
        assertEquals(0, t.status(), t.err());
        assertEquals(StatusReport.tracking(status.get(), StatusReport.Format.TEXT), t.out());
        Run c = ctl("-c", "sources");
        assertEquals(StatusReport.sources(status.get(), StatusReport.Format.CSV), c.out());
        Run j = ctl("--json", "tracking");
        assertTrue(j.out().startsWith("{\"reference\":"), j.out());
        Run s = ctl("serverstats");
        assertEquals("no server is running\n", s.out());
    }

    /** Issue 12: tracking carries the served header the daemon hands the control server, in every form. */
    @Test
    void trackingShowsStratumReferenceIdRootDelayAndDispersion() throws Exception {
        Served header = new Served(false, 0, 2, 0xC0000201, 0, 0.0005);
        ServerStats withHeader = new ServerStats() {
            @Override
            public List<Counter> counters() {
                return List.of();
            }

            @Override
            public Served served() {
                return header;
            }
        };
        server = ControlServer.start(dir.resolve("run/timeslave.sock"), status::get, withHeader, fake, log);
        Run t = ctl("tracking");
        assertEquals(0, t.status(), t.err());
        assertTrue(t.out().contains("Stratum              : 2\n"), t.out());
        assertTrue(t.out().contains("Reference ID         : C0000201 (192.0.2.1)\n"), t.out());
        assertTrue(t.out().contains("Root delay           : 0.000000000 seconds\n"), t.out());
        assertTrue(t.out().contains("Root dispersion      : 0.000500000 seconds\n"), t.out());
        Run c = ctl("-c", "tracking");
        assertTrue(c.out().strip().endsWith(",2,C0000201,0,0.0005,false"), c.out());
        Run j = ctl("--json", "tracking");
        assertTrue(j.out().contains("\"stratum\":2,\"reference_id\":\"C0000201\",\"root_delay_seconds\":0,"
                + "\"root_dispersion_seconds\":0.0005,\"serving_ntp\":false"), j.out());
    }

    /** The test runs as root (the only user allowed to change anything); refusal is checked through the same answer code. */
    @Test
    void readWriteCommandsAreForRootOnly() throws Exception {
        start();
        assertEquals("error: debug is allowed to root only\n", server.answer("text debug 3", false));
        assertEquals("error: reload is allowed to root only\n", server.answer("text reload", false));
        assertEquals(List.of(), actions, "nothing was done for a non-root peer");
        assertTrue(ControlServer.rootName("root"));
        assertTrue(ControlServer.rootName("0"));
        assertFalse(ControlServer.rootName("timeslave"));
        assertTrue(server.answer("text tracking", false).startsWith("ok\n"), "read-only commands answer anyone");
    }

    @Test
    void rootCanSetTheDebugLevelAndReload() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(System.getProperty("user.name").equals("root"),
                "SO_PEERCRED says root only when the test runs as root");
        start();
        Run d = ctl("debug", "2");
        assertEquals(0, d.status(), d.err());
        assertEquals("debugging set to 2\n", d.out());
        Run r = ctl("reload");
        assertEquals("reload: /etc/timeslave/timeslave.options read\n", r.out());
        reloadFails = true;
        Run bad = ctl("reload");
        assertEquals(1, bad.status());
        assertEquals("timeslave-ctl: /etc/timeslave/timeslave.options: unknown option -Z; nothing changed\n", bad.err());
        assertEquals(List.of("debug 2", "reload", "reload"), actions);
    }

    @Test
    void badRequestsGetASpecificError() throws Exception {
        start();
        assertEquals("error: unknown command frob\n", server.answer("text frob", true));
        assertEquals("error: unknown format xml\n", server.answer("xml tracking", true));
        assertEquals("error: debug needs one level, a whole number from 0 to 99\n", server.answer("text debug -1", true));
        assertEquals("error: tracking takes no arguments\n", server.answer("text tracking now", true));
        status.set(null);
        assertEquals("error: the daemon is still starting\n", server.answer("text tracking", true));
    }

    @Test
    void aLiveSocketIsNotStolenAndAStaleOneIsReplaced() throws Exception {
        start();
        IOException e = assertThrows(IOException.class,
                () -> ControlServer.start(dir.resolve("run/timeslave.sock"), status::get, ServerStats.NONE, fake, log));
        assertEquals("another timeslave answers there", e.getMessage());
        assertTrue(ctl("tracking").out().contains("Synchronised"), "the first daemon still answers");
        // a socket file nobody listens on (a daemon killed with SIGKILL): bind one and drop the channel
        Path stale = dir.resolve("stale.sock");
        try (var ch = java.nio.channels.ServerSocketChannel.open(java.net.StandardProtocolFamily.UNIX)) {
            ch.bind(java.net.UnixDomainSocketAddress.of(stale));
        }
        assertTrue(Files.exists(stale));
        try (ControlServer s2 = ControlServer.start(stale, status::get, ServerStats.NONE, fake, log)) {
            assertTrue(ControlServer.answers(stale));
        }
        Path plain = dir.resolve("plain");
        Files.writeString(plain, "not a socket");
        IOException e2 = assertThrows(IOException.class,
                () -> ControlServer.start(plain, status::get, ServerStats.NONE, fake, log));
        assertEquals("it exists and is not a socket", e2.getMessage());
        assertEquals("not a socket", Files.readString(plain), "a file that is not a socket is left alone");
    }

    @Test
    void ctlSaysWhatIsWrongWhenNoDaemonListens() {
        Run r = ctl("tracking");
        assertEquals(1, r.status());
        assertTrue(r.err().startsWith("timeslave-ctl: " + dir.resolve("run/timeslave.sock") + ": no such socket; is timeslave running"),
                r.err());
    }

    @Test
    void ctlUsageErrorsExit2() {
        assertEquals(2, ctl().status());
        assertEquals(2, ctl("frob").status());
        assertEquals(2, ctl("debug", "x").status());
        assertEquals(2, ctl("tracking", "extra").status());
        assertEquals(2, ctl("waitsync", "soon").status());
        assertEquals(2, ctl("--bogus", "tracking").status());
    }

    @Test
    void waitsyncReturnsAtOnceWhenSynchronisedWithinTheError() throws Exception {
        start();
        Run r = ctl("waitsync", "5", "0.001");
        assertEquals(0, r.status(), r.out() + r.err());
        assertEquals("try: 1, synchronised: yes, error bound: 0.000025 s\n", r.out());
    }

    @Test
    void waitsyncGivesUpAfterTheTimeoutWhenTheBoundIsTooWide() throws Exception {
        start();
        Run r = ctl("waitsync", "1", "0.00001");
        assertEquals(1, r.status(), r.out());
        assertEquals("timeslave-ctl: waitsync: not synchronised within 0.00001 s after 1 s\n", r.err());
        status.set(Snapshots.starting());
        Run s = ctl("waitsync", "1");
        assertEquals(1, s.status());
        assertTrue(s.out().contains("synchronised: no, error bound: unknown"), s.out());
    }
}
