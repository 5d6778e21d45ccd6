package io.xerv.host.serve;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.xerv.wal.Storage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

import static org.assertj.core.api.Assertions.assertThat;

/** A full disk: /health says degraded (503, with the reason) while the log cannot write, ok after. */
class WalHealthTest {

    @TempDir
    Path dir;

    private final Vertx vertx = Vertx.vertx();

    @AfterEach
    void close() {
        vertx.close().await();
    }

    /** The file system, failing every write and sync while {@link #full} is set. */
    static final class FullDisk implements Storage {
        final AtomicBoolean full = new AtomicBoolean();

        private void check() throws IOException {
            if (full.get()) {
                throw new IOException("No space left on device");
            }
        }

        public List<Path> list(Path d) throws IOException {
            return FILES.list(d);
        }

        public List<Path> spares(Path d) throws IOException {
            return FILES.spares(d);
        }

        public Segment open(Path file) throws IOException {
            return wrap(FILES.open(file));
        }

        public Segment reuse(Path file) throws IOException {
            return wrap(FILES.reuse(file));
        }

        public void rename(Path from, Path to) throws IOException {
            FILES.rename(from, to);
        }

        public void delete(Path file) throws IOException {
            FILES.delete(file);
        }

        public void syncDirectory(Path d) throws IOException {
            FILES.syncDirectory(d);
        }

        private Segment wrap(Segment s) {
            return new Segment() {
                public void write(ByteBuffer src) throws IOException {
                    check();
                    s.write(src);
                }

                public void sync() throws IOException {
                    check();
                    s.sync();
                }

                public long size() throws IOException {
                    return s.size();
                }

                public long position() throws IOException {
                    return s.position();
                }

                public ByteBuffer readAll() throws IOException {
                    return s.readAll();
                }

                public void truncate(long length) throws IOException {
                    s.truncate(length);
                }

                public void reserve(long length) throws IOException {
                    s.reserve(length);
                }

                public void release() throws IOException {
                    s.release();
                }

                public void close() throws IOException {
                    s.close();
                }
            };
        }
    }

    @Test
    void healthSaysDegradedWhileTheLogCannotWriteAndOkOnceItWritesAgain() throws Exception {
        FullDisk disk = new FullDisk();
        ServeConfig c = ServeConfig.defaults().withPort(0).withEventLoops(1).withDataDir(dir.resolve("data"))
                .withFlows(List.of(ServeHarness.FLOWS)).withSecrets(Map.of("ORDERS_HMAC_SECRET", "s3cret-hmac"))
                .withShutdownTimeoutMs(5_000);
        try (XervHost host = XervHost.start(c, ServeHarness.REGISTRY, e -> e.withWal(e.wal().withStorage(disk)))) {
            WebClient client = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1")
                    .setDefaultPort(host.port()));
            assertThat(client.get("/health").send().await().statusCode()).isEqualTo(200);

            disk.full.set(true);
            HttpResponse<Buffer> failed = client.post("/echo").putHeader("Content-Type", "application/json")
                    .sendBuffer(Buffer.buffer("{\"word\":\"full\"}")).await();
            assertThat(failed.statusCode()).as(failed.bodyAsString()).isGreaterThanOrEqualTo(500);

            HttpResponse<Buffer> degraded = client.get("/health").send().await();
            assertThat(degraded.statusCode()).isEqualTo(503);
            JsonObject body = degraded.bodyAsJsonObject();
            assertThat(body.getString("status")).isEqualTo("degraded");
            assertThat(body.getString("reason")).contains("cannot write").contains("No space left on device");

            disk.full.set(false);
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            int status = 0;
            while (System.nanoTime() < end && (status = client.get("/health").send().await().statusCode()) != 200) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
            }
            assertThat(status).isEqualTo(200);
            HttpResponse<Buffer> again = client.post("/echo").putHeader("Content-Type", "application/json")
                    .sendBuffer(Buffer.buffer("{\"word\":\"again\"}")).await();
            assertThat(again.statusCode()).as(again.bodyAsString()).isEqualTo(200);
        }
    }
}
