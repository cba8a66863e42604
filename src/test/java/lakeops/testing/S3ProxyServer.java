package lakeops.testing;

import java.net.URI;
import java.util.List;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.nio2blob.TransientNio2BlobStore;

/**
 * A real S3-compatible server in the test JVM: S3Proxy on loopback over an in-memory store, with
 * one access key (signature V4 checked), started on a free port. Buckets are created when started.
 */
public final class S3ProxyServer implements AutoCloseable {

  /** The access key of the server (not a secret: the server is on loopback and in memory). */
  public static final String ACCESS_KEY = "lakeops-test";

  /** The secret key of the server. */
  public static final String SECRET_KEY = "lakeops-test-secret";

  private final S3Proxy proxy;
  private final TransientNio2BlobStore store;

  private S3ProxyServer(S3Proxy proxy, TransientNio2BlobStore store) {
    this.proxy = proxy;
    this.store = store;
  }

  /** Starts a server holding the (empty) {@code buckets}. */
  public static S3ProxyServer start(List<String> buckets) {
    TransientNio2BlobStore store = new TransientNio2BlobStore();
    buckets.forEach(store::createContainer);
    S3Proxy proxy =
        S3Proxy.builder()
            .blobStore(store)
            .endpoint(URI.create("http://127.0.0.1:0"))
            .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
            .build();
    try {
      proxy.start();
      long deadline = System.nanoTime() + 30_000_000_000L;
      while (!"STARTED".equals(proxy.getState()) && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
    } catch (Exception e) {
      throw new IllegalStateException("Cannot start S3Proxy: " + e.getMessage(), e);
    }
    return new S3ProxyServer(proxy, store);
  }

  /** The server's address, {@code http://127.0.0.1:<port>}. */
  public String endpoint() {
    return "http://127.0.0.1:" + proxy.getPort();
  }

  @Override
  public void close() {
    try {
      proxy.stop();
    } catch (Exception e) {
      throw new IllegalStateException("Cannot stop S3Proxy: " + e.getMessage(), e);
    }
  }
}
