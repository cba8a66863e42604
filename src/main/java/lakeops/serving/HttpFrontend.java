package lakeops.serving;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufInputStream;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The HTTP side of the server, on Netty (the network layer Spark itself runs on, at Spark's own
 * version): event-loop threads decode HTTP/1.1 with keep-alive, bodies are aggregated up to the
 * size limit (a larger one is answered 413 without being read), and {@link Endpoints} answers on
 * the I/O thread when the model is scored in the JVM, or on a small pool when Spark must run. Epoll
 * is used where available. Shutting down stops accepting first, then waits for the requests in
 * flight.
 */
final class HttpFrontend {

  private final EventLoopGroup acceptor;
  private final EventLoopGroup workers;
  private final ExecutorService sparkPool;
  private final Channel channel;
  private final AtomicInteger inFlight = new AtomicInteger();
  private volatile boolean closing;

  private HttpFrontend(ServingSpec spec, Endpoints endpoints) {
    boolean epoll = Epoll.isAvailable();
    IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
    acceptor = new MultiThreadIoEventLoopGroup(1, io);
    workers = new MultiThreadIoEventLoopGroup(spec.ioThreads(), io);
    sparkPool =
        Executors.newFixedThreadPool(
            spec.sparkThreads(),
            runnable -> {
              Thread thread = new Thread(runnable, "lakeops-serving-spark");
              thread.setDaemon(true);
              return thread;
            });
    Class<? extends ServerChannel> channelType =
        epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    RequestHandler handler = new RequestHandler(endpoints);
    try {
      channel =
          new ServerBootstrap()
              .group(acceptor, workers)
              .channel(channelType)
              .option(ChannelOption.SO_BACKLOG, 1024)
              .childOption(ChannelOption.TCP_NODELAY, true)
              .childHandler(
                  new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel socket) {
                      socket
                          .pipeline()
                          .addLast(
                              new HttpServerCodec(),
                              new LimitedAggregator(spec.maxBodyBytes(), endpoints),
                              handler);
                    }
                  })
              .bind(spec.host(), spec.port())
              .syncUninterruptibly()
              .channel();
    } catch (RuntimeException e) {
      shutdown();
      throw ServingErrors.cannotStart(spec.host() + ":" + spec.port(), e);
    }
  }

  static HttpFrontend start(ServingSpec spec, Endpoints endpoints) {
    return new HttpFrontend(spec, endpoints);
  }

  int port() {
    return ((InetSocketAddress) channel.localAddress()).getPort();
  }

  /**
   * Stops accepting connections, waits up to {@code drain} for the requests in flight (answers on
   * open connections now say {@code Connection: close}), then stops the threads.
   */
  void close(Duration drain) {
    closing = true;
    channel.close().syncUninterruptibly();
    long deadline = System.nanoTime() + drain.toNanos();
    while (inFlight.get() > 0 && System.nanoTime() < deadline) {
      sleepMillis(5);
    }
    shutdown();
  }

  private void shutdown() {
    sparkPool.shutdown();
    workers.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    acceptor.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    try {
      sparkPool.awaitTermination(ServingProperties.DRAIN_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void sleepMillis(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Aggregates request bodies up to the limit; a larger one gets the JSON 413 and the connection
   * closes.
   */
  private static final class LimitedAggregator extends HttpObjectAggregator {
    private final Endpoints endpoints;
    private final int max;

    LimitedAggregator(int max, Endpoints endpoints) {
      super(max);
      this.max = max;
      this.endpoints = endpoints;
    }

    @Override
    protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
      long length = HttpUtil.getContentLength(oversized, -1L);
      Endpoints.Answer answer = endpoints.tooLarge(length, max);
      FullHttpResponse response = response(answer);
      response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
      ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }
  }

  @ChannelHandler.Sharable
  private final class RequestHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private final Endpoints endpoints;

    RequestHandler(Endpoints endpoints) {
      this.endpoints = endpoints;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
      long arrivedNanos = System.nanoTime();
      long arrivedMillis = System.currentTimeMillis();
      inFlight.incrementAndGet();
      if (!request.decoderResult().isSuccess()) {
        write(ctx, false, endpoints.malformed(String.valueOf(request.decoderResult().cause())));
        return;
      }
      boolean keepAlive = HttpUtil.isKeepAlive(request);
      Endpoints.Request call = toCall(request);
      if (!endpoints.needsSpark(call)) {
        write(ctx, keepAlive, endpoints.answer(call, arrivedNanos, arrivedMillis));
        return;
      }
      request.retain();
      try {
        sparkPool.execute(
            () -> {
              try {
                write(ctx, keepAlive, endpoints.answer(call, arrivedNanos, arrivedMillis));
              } finally {
                request.release();
              }
            });
      } catch (RejectedExecutionException e) {
        request.release();
        write(ctx, false, endpoints.answer(call, arrivedNanos, arrivedMillis));
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }

    private Endpoints.Request toCall(FullHttpRequest request) {
      String uri = request.uri();
      int query = uri.indexOf('?');
      String path = query >= 0 ? uri.substring(0, query) : uri;
      return new Endpoints.Request(
          request.method().name(),
          path,
          request.headers().get(HttpHeaderNames.AUTHORIZATION),
          request.headers().get(HttpHeaderNames.CONTENT_TYPE),
          request.headers().get("X-Request-Id"),
          new ByteBufInputStream(request.content()),
          request.content().readableBytes());
    }

    private void write(ChannelHandlerContext ctx, boolean keepAlive, Endpoints.Answer answer) {
      FullHttpResponse response = response(answer);
      boolean keep = keepAlive && !closing;
      response
          .headers()
          .set(
              HttpHeaderNames.CONNECTION,
              keep ? HttpHeaderValues.KEEP_ALIVE : HttpHeaderValues.CLOSE);
      ctx.writeAndFlush(response)
          .addListener(
              future -> {
                inFlight.decrementAndGet();
                if (!keep) {
                  ctx.close();
                }
              });
    }
  }

  private static FullHttpResponse response(Endpoints.Answer answer) {
    FullHttpResponse response =
        new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1,
            HttpResponseStatus.valueOf(answer.status()),
            Unpooled.wrappedBuffer(answer.body()));
    response
        .headers()
        .set(HttpHeaderNames.CONTENT_TYPE, answer.contentType())
        .setInt(HttpHeaderNames.CONTENT_LENGTH, answer.body().length)
        .set("X-Request-Id", answer.requestId());
    if (answer.status() == 401) {
      response.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, "Bearer");
    }
    return response;
  }
}
