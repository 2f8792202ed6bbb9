package dev.medbase.files.files;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * Replays a request captured from the SDK byte for byte over a raw socket (headers, chunked framing and all),
 * with the {@code Authorization} and {@code Host} headers replaced, and returns the response body (de-chunked).
 */
final class SdkCapture {

    private SdkCapture() {
    }

    static String replay(int port, String resource, String bearer) throws Exception {
        byte[] raw;
        try (InputStream in = SdkCapture.class.getResourceAsStream("/sdk-capture/" + resource)) {
            raw = in.readAllBytes();
        }
        String text = new String(raw, StandardCharsets.ISO_8859_1);
        int headerEnd = text.indexOf("\r\n\r\n");
        StringBuilder head = new StringBuilder();
        for (String line : text.substring(0, headerEnd).split("\r\n")) {
            if (line.regionMatches(true, 0, "Authorization:", 0, 14)) {
                line = "Authorization: Bearer " + bearer;
            } else if (line.regionMatches(true, 0, "Host:", 0, 5)) {
                line = "Host: 127.0.0.1:" + port;
            } else if (line.regionMatches(true, 0, "Connection:", 0, 11)) {
                line = "Connection: close";
            }
            head.append(line).append("\r\n");
        }
        head.append("\r\n");
        try (Socket socket = new Socket("127.0.0.1", port)) {
            OutputStream out = socket.getOutputStream();
            out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
            out.write(raw, headerEnd + 4, raw.length - headerEnd - 4);
            out.flush();
            byte[] response = socket.getInputStream().readAllBytes();
            String r = new String(response, StandardCharsets.ISO_8859_1);
            int end = r.indexOf("\r\n\r\n");
            String status = r.substring(0, r.indexOf("\r\n"));
            if (!status.contains(" 200 ")) {
                throw new AssertionError("replay answered " + status + ": " + r);
            }
            String headers = r.substring(0, end).toLowerCase();
            String body = r.substring(end + 4);
            if (headers.contains("transfer-encoding: chunked")) {
                body = dechunk(body);
            }
            return new String(body.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
        }
    }

    private static String dechunk(String body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int i = 0;
        while (true) {
            int lineEnd = body.indexOf("\r\n", i);
            int size = Integer.parseInt(body.substring(i, lineEnd).trim(), 16);
            if (size == 0) {
                break;
            }
            out.writeBytes(body.substring(lineEnd + 2, lineEnd + 2 + size).getBytes(StandardCharsets.ISO_8859_1));
            i = lineEnd + 2 + size + 2;
        }
        return out.toString(StandardCharsets.ISO_8859_1);
    }
}
