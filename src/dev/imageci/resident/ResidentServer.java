package dev.imageci.resident;

import java.io.IOException;
import java.io.PrintStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import sun.misc.Signal;

/**
 * The resident imageci process: a JVM that stays up on the agent between commands, so that they do
 * not each pay for starting one (classes loaded and compiled, the Docker client and FreeMarker set
 * up: about a second of a short build). Each connection on its unix socket is one command, run as
 * the client ({@code scripts/resident-client.pl}) asked, with its environment and working
 * directory.
 *
 * <p>Usage: {@code ResidentServer SOCKET IDLE_SECONDS}. The socket's directory must belong to this
 * user and be closed to everyone else; a file lock beside the socket keeps it to one process. It
 * exits once idle that long, or on SIGTERM after the commands running then have ended, and removes
 * its socket and the copy of the jar it runs from.
 */
public final class ResidentServer {

  private static final Set<PosixFilePermission> OPEN_TO_OTHERS =
      EnumSet.of(
          PosixFilePermission.GROUP_READ,
          PosixFilePermission.GROUP_WRITE,
          PosixFilePermission.GROUP_EXECUTE,
          PosixFilePermission.OTHERS_READ,
          PosixFilePermission.OTHERS_WRITE,
          PosixFilePermission.OTHERS_EXECUTE);

  private final Path socket;
  private final Duration idle;
  private final PrintStream log;
  private final AtomicInteger running = new AtomicInteger();
  private volatile Instant lastActive = Instant.now();
  private ServerSocketChannel server;

  ResidentServer(Path socket, Duration idle, PrintStream log) {
    this.socket = socket.toAbsolutePath();
    this.idle = idle;
    this.log = log;
  }

  public static void main(String[] args) throws IOException {
    if (args.length != 2) {
      System.err.println("usage: ResidentServer SOCKET IDLE_SECONDS");
      System.exit(2);
    }
    PrintStream log = System.err;
    ResidentServer resident =
        new ResidentServer(Path.of(args[0]), Duration.ofSeconds(Long.parseLong(args[1])), log);
    RoutedOutput.install(log);
    int status = resident.run();
    System.exit(status);
  }

  /** Serves until idle or stopped; 0 also when another resident process has the socket. */
  int run() throws IOException {
    Path directory = socket.getParent();
    String problem = privacyProblem(directory);
    if (problem != null) {
      log.println("resident: not starting: " + problem);
      return 1;
    }
    try (FileChannel lockFile =
            FileChannel.open(
                sibling(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock = lockFile.tryLock()) {
      if (lock == null) {
        return 0; // another resident process serves this socket: its files are not ours
      }
      try {
        serve();
      } finally {
        cleanUp();
      }
      return 0;
    }
  }

  private void serve() throws IOException {
    Files.deleteIfExists(socket); // left by a process that died; the lock says none is running
    Path binding = sibling(".binding");
    Files.deleteIfExists(binding);
    server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    server.bind(UnixDomainSocketAddress.of(binding));
    // Named only once it listens: between bind and listen a client that found it would be refused.
    Files.move(binding, socket, StandardCopyOption.ATOMIC_MOVE);
    Files.writeString(sibling(".pid"), ProcessHandle.current().pid() + "\n");
    log.println("resident: serving on " + socket + " (idle exit after " + idle.toSeconds() + "s)");
    Signal.handle(new Signal("TERM"), signal -> stop("SIGTERM"));
    startIdleWatch();
    Warmup.startInBackground(sibling(".warmup"), log);
    acceptUntilStopped();
    while (running.get() > 0) {
      sleep(Duration.ofMillis(100));
    }
    log.println("resident: stopped");
  }

  private void acceptUntilStopped() throws IOException {
    while (true) {
      SocketChannel client;
      try {
        client = server.accept();
      } catch (ClosedChannelException stopped) {
        return;
      }
      running.incrementAndGet();
      Thread thread =
          new Thread(
              () -> {
                try {
                  new Session(client, log).serve();
                } finally {
                  lastActive = Instant.now();
                  running.decrementAndGet();
                }
              },
              "imageci-resident-command");
      thread.start();
    }
  }

  /** Stops taking commands; those running go on to their end. */
  synchronized void stop(String why) {
    try {
      if (server != null && server.isOpen()) {
        log.println("resident: stopping (" + why + ")");
        Files.deleteIfExists(socket);
        server.close();
      }
    } catch (IOException e) {
      log.println("resident: closing the socket failed: " + e);
    }
  }

  private void startIdleWatch() {
    Thread watch =
        new Thread(
            () -> {
              while (server.isOpen()) {
                sleep(Duration.ofSeconds(1));
                boolean idleLongEnough =
                    running.get() == 0
                        && Duration.between(lastActive, Instant.now()).compareTo(idle) >= 0;
                if (idleLongEnough) {
                  stop("idle for " + idle.toSeconds() + "s");
                }
              }
            },
            "imageci-resident-idle");
    watch.setDaemon(true);
    watch.start();
  }

  private void cleanUp() {
    try {
      Files.deleteIfExists(socket);
      Files.deleteIfExists(sibling(".pid"));
      Warmup.remove(sibling(".warmup"));
      // The launcher's copy of the jar this process runs from; Linux keeps it open for us.
      Path jar = Path.of(System.getProperty("java.class.path"));
      if (jar.getParent() != null && jar.getParent().equals(socket.getParent())) {
        Files.deleteIfExists(jar);
      }
    } catch (IOException | RuntimeException e) {
      log.println("resident: cleaning up failed: " + e);
    }
  }

  private Path sibling(String suffix) {
    String name = socket.getFileName().toString().replaceFirst("\\.sock$", "");
    return socket.resolveSibling(name + suffix);
  }

  /** Why {@code directory} may not hold the socket, or null when it is this user's alone. */
  static String privacyProblem(Path directory) {
    try {
      PosixFileAttributes attributes = Files.readAttributes(directory, PosixFileAttributes.class);
      String owner = attributes.owner().getName();
      if (!owner.equals(System.getProperty("user.name"))) {
        return directory + " belongs to " + owner + ", not " + System.getProperty("user.name");
      }
      Set<PosixFilePermission> open = EnumSet.copyOf(OPEN_TO_OTHERS);
      open.retainAll(attributes.permissions());
      if (!open.isEmpty() || !attributes.isDirectory()) {
        return directory + " is open to other users (expected a directory with mode 700)";
      }
      return null;
    } catch (IOException | UnsupportedOperationException e) {
      return "cannot check " + directory + ": " + e;
    }
  }

  private static void sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
