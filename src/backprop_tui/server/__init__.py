"""The classroom: ``backprop-tui serve``, the lesson over SSH, one isolated lesson per student (DESIGN §5).

- :mod:`~backprop_tui.server.main`: the command (checks, host key, data directory, signals);
- :mod:`~backprop_tui.server.ssh`: the asyncssh server: sign-in, refusals, limits, one pty per session;
- :mod:`~backprop_tui.server.spawner`: a process that has imported the lesson once and forks each
  student's lesson from it (it never imports asyncssh, so the lessons don't carry it);
- :mod:`~backprop_tui.server.session`: a student's lesson process;
- :mod:`~backprop_tui.server.driver`: Textual's Linux driver, but asleep until a key arrives;
- :mod:`~backprop_tui.server.terminal`: what is written to the student's terminal, and colours from TERM.

Only this package imports asyncssh, and only ``main`` and ``ssh`` do.
"""
