"""DOCX to PDF through LibreOffice (Debian's libreoffice-writer-nogui), the faithful converter.

Two ways, measured in docs/benchmarks.md:

- cold: one ``soffice --headless --convert-to pdf`` per document, with its own user profile
  directory so that concurrent conversions do not clash on LibreOffice's profile lock
  (about 1 s each, most of it LibreOffice starting);
- warm (the default): one LibreOffice kept running by this process through unoserver, started
  on the first conversion (or, in a Celery worker process, as the process starts:
  ``warm_up_in_background``, wired in ``apps.py``) and stopped when the process ends (about
  0.1 s each after that).
  unoserver's server needs LibreOffice's Python bridge (Debian's python3-uno), so it runs under
  the system's Python, with only the unoserver package of this environment on its path; the
  client side is plain XML-RPC.

``settings.WORD_PDF_CONVERTER`` chooses ("warm" or "cold"); a warm converter that fails falls
back to a cold conversion once and is started again next time.
"""

from __future__ import annotations

import atexit
import contextlib
import ctypes
import logging
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from django.conf import settings

logger = logging.getLogger(__name__)
# unoserver's client logs every conversion at INFO.
logging.getLogger("unoserver").setLevel(logging.WARNING)

INSTALL_HINT = "apt-get install libreoffice-writer-nogui python3-uno"


class ConverterMissing(RuntimeError):
    """LibreOffice is not installed: no PDF can be made (an installation fault, not a user's)."""


class ConversionFailed(RuntimeError):
    """LibreOffice did not turn the document into a PDF (timed out, crashed, wrote nothing)."""


def soffice() -> str:
    found = shutil.which(settings.WORD_SOFFICE)
    if not found:
        raise ConverterMissing(
            f"LibreOffice ({settings.WORD_SOFFICE}) is not installed, so no PDF can be made:"
            f" {INSTALL_HINT}"
        )
    return found


def to_pdf(docx: bytes) -> bytes:
    """The PDF of a DOCX document."""
    if settings.WORD_PDF_CONVERTER == "warm":
        try:
            return WARM.convert(docx)
        except ConverterMissing:
            raise
        except Exception:  # the server died or never answered: this document still gets made
            logger.exception("the warm PDF converter failed; converting cold")
            WARM.stop()
    return convert_cold(docx)


_COLD_LOCK = threading.Lock()


def _cold_profile() -> Path:
    # One LibreOffice profile per process, kept between conversions (making one costs a
    # fraction of a second): two processes never share one, and this one's lock keeps its
    # own threads from using it at once.
    return Path(tempfile.gettempdir()) / f"wordpdf-profile-{os.getpid()}"


def convert_cold(docx: bytes) -> bytes:
    binary = soffice()
    with tempfile.TemporaryDirectory(prefix="wordpdf-") as work, _COLD_LOCK:
        folder = Path(work)
        source = folder / "document.docx"
        source.write_bytes(docx)
        command = [
            binary,
            f"-env:UserInstallation={_cold_profile().as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            "pdf",
            "--outdir",
            str(folder),
            str(source),
        ]
        # soffice is a launcher and LibreOffice its child: in a session of their own, a
        # time-out ends both (an orphan would keep the profile's lock for the next ones).
        process = subprocess.Popen(
            command,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env={**os.environ, "HOME": work},
            start_new_session=True,
        )
        try:
            process.wait(settings.WORD_PDF_TIMEOUT)
        except subprocess.TimeoutExpired as exc:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()
            raise ConversionFailed(
                f"LibreOffice took more than {settings.WORD_PDF_TIMEOUT} s to make the PDF"
            ) from exc
        pdf = folder / "document.pdf"
        if not pdf.exists():
            raise ConversionFailed("LibreOffice wrote no PDF for this document")
        return pdf.read_bytes()


def _die_with_parent() -> None:
    # Linux: the converter gets SIGTERM when the process that started it dies, even killed,
    # and unoserver passes it on to LibreOffice: no office process outlives its owner.
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class WarmConverter:
    """One LibreOffice per process, kept running between conversions (unoserver)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._process: subprocess.Popen[bytes] | None = None
        self._owner = 0
        self._port = 0
        self._folder: Path | None = None

    @property
    def running(self) -> bool:
        return (
            self._process is not None
            and self._owner == os.getpid()
            and self._process.poll() is None
        )

    def convert(self, docx: bytes) -> bytes:
        from unoserver.client import UnoClient

        with self._lock:
            if not self.running:
                self._start()
            client = UnoClient(server="127.0.0.1", port=str(self._port))
            pdf: Any = client.convert(indata=docx, convert_to="pdf")
        if not isinstance(pdf, bytes) or not pdf.startswith(b"%PDF"):
            raise ConversionFailed("LibreOffice wrote no PDF for this document")
        return pdf

    def warm_up(self) -> None:
        """Start LibreOffice now if it is not running; a failure is only logged (the first
        conversion tries again, and says what is wrong)."""
        with self._lock:
            if self.running:
                return
            try:
                self._start()
            except Exception:
                logger.warning("the PDF converter could not be started ahead", exc_info=True)

    def _start(self) -> None:
        import unoserver

        binary = soffice()
        python = settings.WORD_UNO_PYTHON
        if not Path(python).exists():
            raise ConverterMissing(f"{python} (with python3-uno) is missing: {INSTALL_HINT}")
        # A converter that died is cleared; a forked worker does not share its parent's
        # LibreOffice: it starts its own.
        self.stop()
        # A plain folder, not a TemporaryDirectory: a forked child must not remove it at exit.
        folder = self._folder = Path(tempfile.mkdtemp(prefix="wordpdf-warm-"))
        # Only unoserver (and its metadata) on the system Python's path, nothing else of ours.
        path = folder / "path"
        path.mkdir()
        package = Path(unoserver.__file__).resolve().parent
        (path / "unoserver").symlink_to(package)
        for info in package.parent.glob("unoserver-*.dist-info"):
            (path / info.name).symlink_to(info)
        self._port, uno_port = _free_port(), _free_port()
        command = [
            python,
            "-m",
            "unoserver.server",
            "--interface",
            "127.0.0.1",
            "--port",
            str(self._port),
            "--uno-port",
            str(uno_port),
            "--executable",
            binary,
            "--user-installation",
            str(folder / "profile"),
            "--conversion-timeout",
            str(settings.WORD_PDF_TIMEOUT),
            "--quiet",
        ]
        self._process = subprocess.Popen(
            command,
            env={**os.environ, "PYTHONPATH": str(path), "HOME": str(folder)},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            preexec_fn=_die_with_parent,
        )
        self._owner = os.getpid()
        self._wait_until_ready()

    def _wait_until_ready(self) -> None:
        from xmlrpc.client import ServerProxy

        deadline = time.monotonic() + settings.WORD_PDF_TIMEOUT
        proxy = ServerProxy(f"http://127.0.0.1:{self._port}")
        while time.monotonic() < deadline:
            if self._process is None or self._process.poll() is not None:
                raise ConversionFailed("the PDF converter (unoserver) stopped while starting")
            try:
                proxy.info()
                return
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise ConversionFailed("the PDF converter (unoserver) did not start in time")

    def stop(self) -> None:
        process, folder = self._process, self._folder
        self._process, self._folder = None, None
        if self._owner != os.getpid():
            return  # a forked child: the parent's converter is the parent's to stop
        if process is not None and process.poll() is None:
            process.terminate()
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()
        if folder is not None:
            shutil.rmtree(folder, ignore_errors=True)


WARM = WarmConverter()
atexit.register(WARM.stop)


def warm_up_in_background() -> None:
    """Start this process's LibreOffice in a thread, so that its first document does not wait
    the ~6 s LibreOffice takes to start (a document asked meanwhile waits for it, no longer)."""
    if settings.WORD_PDF_CONVERTER != "warm" or not settings.WORD_PDF_WARM_AT_START:
        return

    def start_and_stay() -> None:
        WARM.warm_up()
        # Linux sends the parent-death signal (_die_with_parent) when the *thread* that started
        # the converter ends, not the process: this one stays, parked, as long as the process.
        threading.Event().wait()

    threading.Thread(target=start_and_stay, name="wordpdf-warm-up", daemon=True).start()
