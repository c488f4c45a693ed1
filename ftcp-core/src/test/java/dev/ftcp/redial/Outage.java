package dev.ftcp.redial;

import dev.ftcp.testing.FaultProxy.Cut;
import dev.ftcp.testing.FaultProxy.Refusal;

/**
 * Ways the server goes away and comes back. In every one, dials made during the outage are
 * refused by the kernel, as when a server process is down; they differ in how the established
 * connection breaks.
 */
enum Outage {
  /** The ftcp server closes its listener and connections, then listens again on its port. */
  SERVER_RESTART {
    @Override
    String address(Rig rig) {
      return rig.server.hostPort(); // through the proxy a dial would connect, then be closed
    }

    @Override
    void begin(Rig rig) throws InterruptedException {
      rig.server.stop();
    }

    @Override
    void end(Rig rig) throws Exception {
      rig.server.start();
    }
  },

  /** The proxy stops listening and resets every connection, then listens again. */
  PROXY_RESET {
    @Override
    void begin(Rig rig) {
      rig.proxy.refuse(Refusal.NOT_LISTENING);
      rig.proxy.cutAll(Cut.RESET);
    }
  },

  /** The proxy stops listening and closes every connection (FIN), then listens again. */
  PROXY_FIN {
    @Override
    void begin(Rig rig) {
      rig.proxy.refuse(Refusal.NOT_LISTENING);
      rig.proxy.cutAll(Cut.FIN);
    }
  };

  /** Where clients dial for this kind of outage. */
  String address(Rig rig) {
    return rig.proxy.hostPort();
  }

  /** Breaks every connection; new dials are refused until {@link #end}. */
  abstract void begin(Rig rig) throws Exception;

  /** Lets dials through again. */
  void end(Rig rig) throws Exception {
    rig.proxy.refuse(false);
  }
}
