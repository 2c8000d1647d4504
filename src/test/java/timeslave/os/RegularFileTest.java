package timeslave.os;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading a small file whole: the cap, the refusal of what is not a regular file, and the reasons given. */
class RegularFileTest {
    @TempDir
    Path dir;

    @Test
    void aFileUpToTheCapIsReadWholeAndOneByteMoreIsRefused() throws IOException {
        byte[] bytes = new byte[20_000];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) i;
        }
        Path p = Files.write(dir.resolve("f"), bytes);
        assertArrayEquals(bytes, RegularFile.read(p, bytes.length));
        var e = assertThrows(RegularFile.TooLargeException.class, () -> RegularFile.read(p, bytes.length - 1));
        assertEquals("larger than 19999 bytes", RegularFile.reason(e));
        assertArrayEquals(new byte[0], RegularFile.read(Files.createFile(dir.resolve("empty")), 10));
    }

    @Test
    void theCapHoldsWhereTheSizeSaysNothing() throws IOException {
        // /proc files are regular and say 0 bytes: the cap is kept by counting what is read
        Path status = Path.of("/proc/self/status");
        assertEquals(0, Files.size(status));
        assertTrue(new String(RegularFile.read(status, 1 << 16), StandardCharsets.US_ASCII).contains("Pid:"));
        assertThrows(RegularFile.TooLargeException.class, () -> RegularFile.read(status, 10));
    }

    @Test
    void whatIsNotARegularFileIsNamed() throws Exception {
        Path fifo = HostileFiles.fifo(dir.resolve("fifo"));
        assertEquals("not a regular file (a FIFO)", HostileFiles.withoutHanging(fifo,
                () -> RegularFile.reason(assertThrows(RegularFile.NotRegularException.class,
                        () -> RegularFile.read(fifo, 10)))));
        assertEquals("not a regular file (a directory)", RegularFile.reason(
                assertThrows(IOException.class, () -> RegularFile.read(dir, 10))));
        assertEquals("not a regular file (a character device)", RegularFile.reason(
                assertThrows(IOException.class, () -> RegularFile.read(Path.of("/dev/zero"), 10))));
        Path sock = dir.resolve("sock");
        try (ServerSocketChannel s = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            s.bind(UnixDomainSocketAddress.of(sock));
            // open(2) itself refuses a socket
            assertEquals("errno 6 (No such device or address)", RegularFile.reason(
                    assertThrows(IOException.class, () -> RegularFile.read(sock, 10))));
        }
    }

    @Test
    void devNullIsEmpty() throws IOException {
        assertArrayEquals(new byte[0], RegularFile.read(Path.of("/dev/null"), 10));
        Path link = Files.createSymbolicLink(dir.resolve("none"), Path.of("/dev/null"));
        assertArrayEquals(new byte[0], RegularFile.read(link, 10));
    }

    @Test
    void missingFilesAndBrokenPathsKeepTheirUsualExceptions() throws IOException {
        assertThrows(NoSuchFileException.class, () -> RegularFile.read(dir.resolve("absent"), 10));
        Path dangling = Files.createSymbolicLink(dir.resolve("dangling"), dir.resolve("nowhere"));
        assertThrows(NoSuchFileException.class, () -> RegularFile.read(dangling, 10));
        Path file = Files.writeString(dir.resolve("file"), "x");
        assertEquals("errno 20 (Not a directory)", RegularFile.reason(
                assertThrows(IOException.class, () -> RegularFile.read(file.resolve("below"), 10))));
        assertEquals("no such file or directory", RegularFile.reason(new NoSuchFileException("x")));
    }

    @Test
    void aLinkIsFollowedForReading() throws IOException {
        Path target = Files.writeString(dir.resolve("target"), "long timetrim = 1;\n");
        Path link = Files.createSymbolicLink(dir.resolve("link"), target);
        assertEquals("long timetrim = 1;\n", new String(RegularFile.read(link, 100), StandardCharsets.US_ASCII));
    }

    /** The JDK-only path, used where JNA cannot load libc: the same refusals and the same cap. */
    @Test
    void withoutJnaTheSameRefusals() throws Exception {
        Path p = Files.writeString(dir.resolve("f"), "12345");
        assertArrayEquals("12345".getBytes(StandardCharsets.US_ASCII), RegularFile.readPortable(p, 5));
        assertEquals("larger than 4 bytes", RegularFile.reason(
                assertThrows(RegularFile.TooLargeException.class, () -> RegularFile.readPortable(p, 4))));
        Path fifo = HostileFiles.fifo(dir.resolve("fifo"));
        assertEquals("not a regular file (a FIFO)", HostileFiles.withoutHanging(fifo, () -> RegularFile.reason(
                assertThrows(IOException.class, () -> RegularFile.readPortable(fifo, 10)))));
        assertEquals("not a regular file (a character device)", RegularFile.reason(
                assertThrows(IOException.class, () -> RegularFile.readPortable(Path.of("/dev/zero"), 10))));
        assertArrayEquals(new byte[0], RegularFile.readPortable(Path.of("/dev/null"), 10));
        assertThrows(NoSuchFileException.class, () -> RegularFile.readPortable(dir.resolve("absent"), 10));
        assertThrows(RegularFile.TooLargeException.class,
                () -> RegularFile.readPortable(HostileFiles.sparse(dir.resolve("huge"), 100L << 20), 4096));
    }

    @Test
    void aNameBeyondAsciiIsFound() throws IOException {
        Path p;
        try {
            p = dir.resolve("d\u00e9rive-\u6642\u523b");
        } catch (java.nio.file.InvalidPathException e) {
            org.junit.jupiter.api.Assumptions.abort("this JVM's file names cannot hold it: " + e.getMessage());
            return;
        }
        Files.writeString(p, "ok");
        assertEquals("ok", new String(RegularFile.read(p, 10), StandardCharsets.US_ASCII));
    }
}
