package dev.imageci.resident;

import dev.imageci.cli.ImageCi;
import dev.imageci.cli.Invocation;
import dev.imageci.docker.CancelSignal;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;

/**
 * One client's command in the resident process: checks that the client runs as this process's user,
 * reads the request, runs the command line for it, and sends back its output and status. A cancel
 * from the client, or the client going away, cancels a running build as SIGTERM does in a process
 * of its own.
 */
final class Session implements RoutedOutput.Target {

  /** Output frames are cut to this size; the client takes up to 16 MiB. */
  private static final int MAX_FRAME = 1024 * 1024;

  private final SocketChannel channel;
  private final Wire wire;
  private final PrintStream log;
  private final OutputStream stdout = new FrameStream(Wire.STDOUT);
  private final OutputStream stderr = new FrameStream(Wire.STDERR);
  private volatile boolean open = true;
  private CancelSignal watched;
  private String cancelReason;

  Session(SocketChannel channel, PrintStream log) {
    this.channel = channel;
    this.wire = new Wire(channel);
    this.log = log;
  }

  /** Serves the connection to its end; never throws. */
  void serve() {
    try (channel) {
      String peer = peerUser();
      if (!peer.equals(System.getProperty("user.name"))) {
        log.println("resident: refused a client running as " + peer);
        wire.frame(Wire.REFUSED, "not this process's user".getBytes(StandardCharsets.UTF_8));
        return;
      }
      if (wire.nextType() != Wire.REQUEST) {
        return;
      }
      Request request = Request.parse(wire.payload(Wire.MAX_REQUEST_BYTES));
      wire.frame(Wire.ACCEPTED, new byte[0]);
      log.println("resident: " + request);
      watchClient();
      int status = execute(request);
      if (open) {
        wire.frame(Wire.EXIT, status);
      }
    } catch (IOException | RuntimeException e) {
      log.println("resident: a client's connection failed: " + e);
    } finally {
      open = false;
    }
  }

  private String peerUser() throws IOException {
    UnixDomainPrincipal peer = channel.getOption(ExtendedSocketOptions.SO_PEERCRED);
    return peer.user().getName();
  }

  private int execute(Request request) {
    Invocation invocation =
        Invocation.ofCaller(request.env(), request.workingDirectory(), this::watch);
    PrintWriter out = writer(stdout);
    PrintWriter err = writer(stderr);
    int[] status = {ImageCi.EXIT_FAILED};
    RoutedOutput.runFor(
        this,
        () -> {
          try {
            status[0] =
                ImageCi.run(invocation, out, err, request.arguments().toArray(String[]::new));
          } catch (RuntimeException | Error e) {
            // What a process of its own would print before dying, and the trace for the operator.
            err.println("imageci: failed in the resident imageci process: " + e);
            e.printStackTrace(log);
          } finally {
            out.flush();
            err.flush();
          }
        });
    return status[0];
  }

  private static PrintWriter writer(OutputStream stream) {
    return new PrintWriter(new OutputStreamWriter(stream, StandardCharsets.UTF_8), true);
  }

  /** Reads the client's side until it ends: a cancel frame, or the connection closing. */
  private void watchClient() {
    Thread reader =
        new Thread(
            () -> {
              String reason = "cancelled: the imageci client went away";
              try {
                if (wire.nextType() == Wire.CANCEL) {
                  reason =
                      "cancelled by SIG" + new String(wire.payload(16), StandardCharsets.UTF_8);
                } else {
                  open = false;
                }
              } catch (IOException e) {
                open = false;
              }
              if (open || channel.isOpen()) {
                deliver(reason);
              }
            },
            "imageci-resident-client");
    reader.setDaemon(true);
    reader.start();
  }

  private synchronized Invocation.Watch watch(CancelSignal cancel) {
    watched = cancel;
    if (cancelReason != null) {
      cancel.cancel(cancelReason, false);
    }
    return () -> {
      synchronized (this) {
        watched = null;
      }
    };
  }

  private synchronized void deliver(String reason) {
    if (cancelReason == null) {
      cancelReason = reason;
    }
    if (watched != null) {
      watched.cancel(reason, false);
    }
  }

  @Override
  public OutputStream stdout() {
    return stdout;
  }

  @Override
  public OutputStream stderr() {
    return stderr;
  }

  @Override
  public boolean isOpen() {
    return open;
  }

  /** Bytes written become frames of one type; once the client is gone they are dropped. */
  private final class FrameStream extends OutputStream {
    private final byte type;

    FrameStream(byte type) {
      this.type = type;
    }

    @Override
    public void write(int b) {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] bytes, int offset, int length) {
      int at = offset;
      int end = offset + length;
      while (open && at < end) {
        int part = Math.min(MAX_FRAME, end - at);
        try {
          wire.frame(type, bytes, at, part);
        } catch (IOException e) {
          open = false;
        }
        at += part;
      }
    }
  }
}
