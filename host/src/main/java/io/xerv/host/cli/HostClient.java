package io.xerv.host.cli;

import io.xerv.host.serve.LocalToken;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;

/** The options and the HTTP calls of the commands that talk to a running host ({@code deploy}, {@code pipelines}). */
final class HostClient {

    @Option(names = "--url", paramLabel = "URL", description = "The host's base URL (default: $XERV_URL or http://localhost:8080).")
    String url;

    @Option(names = "--api-key", paramLabel = "KEY", description = "An API key (default: $XERV_API_KEY, else the data "
            + "directory's api-token). Prefer the variable: command lines are visible to other users.")
    String apiKey;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "The host's data directory, whose api-token file is sent "
            + "when no key is given (default ./xerv-data).")
    Path dataDir;

    /** An answer: status and body. */
    record Answer(int status, String body) {
        boolean ok() {
            return status >= 200 && status < 300;
        }
    }

    String base() {
        String u = url != null ? url : System.getenv("XERV_URL");
        if (u == null || u.isBlank()) {
            u = "http://localhost:8080";
        }
        return u.endsWith("/") ? u.substring(0, u.length() - 1) : u;
    }

    /** The key to present: --api-key, else $XERV_API_KEY, else the data directory's local token, else none. */
    String key() throws IOException {
        String key = apiKey != null ? apiKey : System.getenv("XERV_API_KEY");
        if (key != null && !key.isBlank()) {
            return key.strip();
        }
        try {
            return LocalToken.read(LocalToken.file(dataDir != null ? dataDir : Path.of("xerv-data")));
        } catch (java.nio.file.AccessDeniedException e) {
            throw new IOException("cannot read the API token " + e.getFile() + " (it belongs to the host's user); "
                    + "pass --api-key or set XERV_API_KEY", e);
        }
    }

    Answer call(String method, String path, String contentType, String body) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base() + path)).timeout(Duration.ofMinutes(5))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        String key = key();
        if (key != null) {
            b.header("Authorization", "Bearer " + key);
        }
        try (HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build()) {
            HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
            return new Answer(r.statusCode(), r.body());
        } catch (ConnectException e) {
            throw new IOException("no host answers at " + base() + " (start one with ./xerv serve, or pass --url)", e);
        }
    }
}
