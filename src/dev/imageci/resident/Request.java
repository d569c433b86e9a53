package dev.imageci.resident;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** One command a client asked for: where it was, its arguments and its environment. */
record Request(Path workingDirectory, List<String> arguments, Map<String, String> env) {

  /** Reads the request frame's payload; anything malformed is refused with the reason. */
  static Request parse(byte[] payload) throws IOException {
    ByteBuffer buffer = ByteBuffer.wrap(payload);
    if (buffer.remaining() < 8 || buffer.getInt() != Wire.MAGIC) {
      throw new IOException("not an imageci request");
    }
    int version = buffer.getInt();
    if (version != Wire.VERSION) {
      throw new IOException("request version " + version + ", expected " + Wire.VERSION);
    }
    Path cwd = Path.of(Wire.getString(buffer));
    if (!cwd.isAbsolute()) {
      throw new IOException("the working directory is not absolute: " + cwd);
    }
    String[] arguments = new String[count(buffer, "arguments")];
    for (int i = 0; i < arguments.length; i++) {
      arguments[i] = Wire.getString(buffer);
    }
    int variables = count(buffer, "environment variables");
    Map<String, String> env = new HashMap<>(variables * 2);
    for (int i = 0; i < variables; i++) {
      env.put(Wire.getString(buffer), Wire.getString(buffer));
    }
    return new Request(cwd, List.of(arguments), env);
  }

  private static int count(ByteBuffer buffer, String what) throws IOException {
    int count = buffer.getInt();
    // Every entry takes at least its 4-byte length, which bounds an honest count.
    if (count < 0 || count > buffer.remaining() / 4) {
      throw new IOException("a count of " + count + " " + what + " in the request");
    }
    return count;
  }

  /** Names the command only: the environment holds credentials. */
  @Override
  public String toString() {
    String command = arguments.isEmpty() ? "(none)" : arguments.get(0);
    return "Request[" + command + " in " + workingDirectory + ", " + env.size() + " variables]";
  }
}
