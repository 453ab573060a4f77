"""A document shown inside the application: PDF pages (Qt's PDF module) and images, scaled.

The document is shown from memory and nowhere else: a PDF is read by ``QPdfDocument``
from a ``QBuffer``, an image is decoded from its bytes. No temporary file, no preview
cache: a decrypted document reaches the disk only when the user chooses "Save as…",
and then the caller writes it (off the GUI thread, with its audit record).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from desktop.core.documents import DocumentType
from desktop.ui import labels
from desktop.ui.dialogs import button
from desktop.ui.qt import (
    QBuffer,
    QDialog,
    QEvent,
    QFileDialog,
    QGuiApplication,
    QHBoxLayout,
    QIcon,
    QImage,
    QImageReader,
    QIODevice,
    QKeySequence,
    QLabel,
    QObject,
    QPdfDocument,
    QPdfView,
    QPixmap,
    QPointF,
    QScrollArea,
    QShortcut,
    QSize,
    QSizePolicy,
    QStackedWidget,
    QStandardPaths,
    QStyle,
    Qt,
    QToolButton,
    QVBoxLayout,
    QWheelEvent,
    QWidget,
    Signal,
)

PDF = DocumentType.PDF.value
IMAGE_TYPES = frozenset({DocumentType.JPEG.value, DocumentType.PNG.value, DocumentType.HEIC.value})
ZOOM_STEP = 1.25
MIN_ZOOM, MAX_ZOOM = 0.1, 8.0
#: Larger images are decoded scaled down: a 25 MB JPEG can hold a hundred megapixels,
#: more memory than a preview deserves (50 MP is a 200 MB decoded image already).
MAX_IMAGE_PIXELS = 50_000_000


class DocumentPreview(QWidget):
    """One document shown from memory: the pages of a PDF or an image, with a small toolbar
    (page ``n / N``, previous and next page, zoom out, zoom in, fit width).

    A document that cannot be shown (damaged, protected by a password, a type this computer
    cannot read) gives a message in place of the preview; nothing is shown half-way.
    ``shown(bool)`` is emitted once the outcome of :meth:`show_document` is known.
    """

    shown = Signal(bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("documentPreview")
        self._kind = ""  # "pdf", "image", "error" or "" (nothing shown)
        self._loading = False
        self._buffer: QBuffer | None = None
        self._image = QImage()
        self._zoom: float | None = None  # None: fit the width
        self._displayed = QSize()
        self._error = ""

        style = self.style()
        self.previous_button = self._tool(
            "previousPageButton", self.tr("Previous page"), self.previous_page,
            style.standardIcon(QStyle.StandardPixmap.SP_ArrowUp))
        self.next_button = self._tool(
            "nextPageButton", self.tr("Next page"), self.next_page,
            style.standardIcon(QStyle.StandardPixmap.SP_ArrowDown))
        self.page_label = QLabel()
        self.page_label.setObjectName("pageIndicator")
        self.zoom_out_button = self._tool("zoomOutButton", self.tr("Zoom out"), self.zoom_out,
                                          text="−")
        self.zoom_label = QLabel()
        self.zoom_label.setObjectName("zoomIndicator")
        self.zoom_label.setMinimumWidth(self.fontMetrics().horizontalAdvance("8888 %"))
        self.zoom_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.zoom_in_button = self._tool("zoomInButton", self.tr("Zoom in"), self.zoom_in,
                                         text="+")
        self.fit_button = self._tool("fitWidthButton", self.tr("Fit the width of the window"),
                                     self.fit_width, text=self.tr("Fit width"))
        self.fit_button.setCheckable(True)

        self.toolbar = QWidget()
        self.toolbar.setObjectName("previewToolbar")
        bar = QHBoxLayout(self.toolbar)
        bar.setContentsMargins(0, 0, 0, 0)
        for w in (self.previous_button, self.next_button, self.page_label):
            bar.addWidget(w)
        bar.addStretch(1)
        for w in (self.zoom_out_button, self.zoom_label, self.zoom_in_button, self.fit_button):
            bar.addWidget(w)

        self._pdf = QPdfDocument(self)
        self._pdf.statusChanged.connect(self._pdf_status)
        self.pdf_view = QPdfView()
        self.pdf_view.setObjectName("pdfView")
        self.pdf_view.setPageMode(QPdfView.PageMode.MultiPage)
        self.pdf_view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.pdf_view.setDocument(self._pdf)
        self.pdf_view.pageNavigator().currentPageChanged.connect(self._update_toolbar)
        self.pdf_view.viewport().installEventFilter(self)

        self.image_label = QLabel()
        self.image_label.setObjectName("previewImage")
        self.image_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.image_area = QScrollArea()
        self.image_area.setObjectName("imageArea")
        self.image_area.setWidgetResizable(True)
        self.image_area.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.image_area.setWidget(self.image_label)
        self.image_area.installEventFilter(self)
        self.image_area.viewport().installEventFilter(self)

        self.error_label = QLabel()
        self.error_label.setObjectName("previewError")
        self.error_label.setTextFormat(Qt.TextFormat.PlainText)  # the type comes from outside
        self.error_label.setWordWrap(True)
        self.error_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.error_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error_label.setContentsMargins(24, 24, 24, 24)

        self.stack = QStackedWidget()
        self.stack.setObjectName("previewStack")
        self.empty = QWidget()
        for part in (self.empty, self.pdf_view, self.image_area, self.error_label):
            self.stack.addWidget(part)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.toolbar)
        layout.addWidget(self.stack, 1)

        for keys, slot in ((QKeySequence.StandardKey.ZoomIn, self.zoom_in),
                           (QKeySequence.StandardKey.ZoomOut, self.zoom_out),
                           (QKeySequence(Qt.Modifier.CTRL | Qt.Key.Key_0), self.fit_width)):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(slot)
        self._update_toolbar()

    def _tool(self, name: str, tip: str, slot: Callable[[], object], icon: QIcon | None = None,
              text: str = "") -> QToolButton:
        b = QToolButton()
        b.setObjectName(name)
        b.setToolTip(tip)
        b.setAccessibleName(tip)
        if icon is not None:
            b.setIcon(icon)
        b.setText(text or tip)
        b.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonIconOnly if icon is not None
                             else Qt.ToolButtonStyle.ToolButtonTextOnly)
        b.clicked.connect(slot)
        return b

    # -- what to show ------------------------------------------------------------------

    def show_document(self, data: bytes, type: str, name: str) -> bool:
        """Show ``data`` (one of :class:`DocumentType`'s types). ``False`` when it cannot be
        shown: the preview then says why, in place of the document. (Bytes in memory load at
        once; should Qt ever finish a PDF later, ``True`` means "not refused yet" and
        ``shown`` tells the outcome.)"""
        self.clear()
        self.setAccessibleName(name)
        if type == PDF:
            return self._show_pdf(data)
        if type in IMAGE_TYPES:
            return self._show_image(data, type)
        return self._fail(self.tr("files of this type ({0}) cannot be previewed").format(type))

    def clear(self) -> None:
        """Drop the document shown (its bytes and its pages) from memory."""
        self._loading = False
        self._pdf.close()
        if self._buffer is not None:
            self._buffer.close()
            self._buffer = None
        self._image = QImage()
        self.image_label.clear()
        self._displayed = QSize()
        self._zoom = None
        self._error = ""
        self.error_label.clear()
        self._kind = ""
        self.pdf_view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self._show_part(self.empty)
        self._update_toolbar()

    def _show_pdf(self, data: bytes) -> bool:
        # QBuffer.setData copies the bytes into the buffer, which lives as long as the
        # document is shown; QPdfDocument reads its pages from there, never from a file.
        self._buffer = QBuffer()
        self._buffer.setData(data)
        self._buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self._loading = True
        self._pdf.load(self._buffer)
        # Loading from a complete buffer is finished here; from a device still receiving
        # data, statusChanged finishes it later.
        return self._kind != "error"

    def _pdf_status(self, status: QPdfDocument.Status) -> None:
        if not self._loading:
            return  # the statuses of close()
        if status == QPdfDocument.Status.Ready:
            self._loading = False
            if self._pdf.pageCount() < 1:
                self._fail(self.tr("the PDF file has no pages"))
                return
            self._kind = "pdf"
            self._show_part(self.pdf_view)
            self.pdf_view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
            self.pdf_view.pageNavigator().jump(0, QPointF(), 0)
            self._update_toolbar()
            self.shown.emit(True)
        elif status == QPdfDocument.Status.Error:
            self._loading = False
            error = self._pdf.error()
            if error == QPdfDocument.Error.IncorrectPassword:
                reason = self.tr("the PDF file is protected by a password")
            elif error == QPdfDocument.Error.UnsupportedSecurityScheme:
                reason = self.tr("the PDF file is protected in a way this program cannot open")
            else:
                reason = self.tr("the PDF file is damaged or incomplete")
            self._fail(reason)

    def _show_image(self, data: bytes, type: str) -> bool:
        if type.encode() not in {bytes(m.data()) for m in QImageReader.supportedMimeTypes()}:
            return self._fail(self.tr("this computer cannot read images of this type ({0})")
                              .format(type))
        buffer = QBuffer()
        buffer.setData(data)
        buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        reader = QImageReader(buffer)
        reader.setAutoTransform(True)  # a photo taken sideways is shown upright (EXIF)
        size = reader.size()
        if size.isValid() and size.width() * size.height() > MAX_IMAGE_PIXELS:
            scale = (MAX_IMAGE_PIXELS / (size.width() * size.height())) ** 0.5
            reader.setScaledSize(QSize(max(1, int(size.width() * scale)),
                                       max(1, int(size.height() * scale))))
        image = reader.read()
        buffer.close()
        if image.isNull():
            return self._fail(self.tr("the image is damaged or incomplete"))
        self._image = image
        self._kind = "image"
        self._show_part(self.image_area)
        self._rescale()
        self._update_toolbar()
        self.shown.emit(True)
        return True

    def _show_part(self, widget: QWidget) -> None:
        self.stack.setCurrentWidget(widget)
        # The keyboard goes to the pages (arrows, Page Down scroll them), not to a button.
        if widget is self.pdf_view or widget is self.image_area:
            self.setFocusProxy(widget)
        else:
            self.setFocusProxy(None)  # type: ignore[arg-type]  # Qt takes a null proxy

    def _fail(self, reason: str) -> bool:
        # The PDF document is left alone: this may run inside its own load(); a document
        # in error holds no pages, and the next show_document() or clear() closes it.
        self._image = QImage()
        self._kind = "error"
        self._error = self.tr(
            "This document cannot be shown here: {0}.\n\n"
            "Use Save as… to open it with another program.").format(reason)
        self.error_label.setText(self._error)
        self._show_part(self.error_label)
        self._update_toolbar()
        self.shown.emit(False)
        return False

    # -- what the user sees (also for the tests) -----------------------------------------

    def kind(self) -> str:
        """``"pdf"``, ``"image"``, ``"error"`` or ``""`` (nothing shown)."""
        return self._kind

    def page_count(self) -> int:
        return self._pdf.pageCount() if self._kind == "pdf" else 0

    def current_page(self) -> int:
        """The page at the top of the view, counted from 1 as the indicator shows it
        (0 when no PDF is shown)."""
        return self.pdf_view.pageNavigator().currentPage() + 1 if self._kind == "pdf" else 0

    def error_text(self) -> str:
        """The message shown in place of the document ("" when it is shown)."""
        return self._error

    def image_shown(self) -> bool:
        return self._kind == "image" and self.stack.currentWidget() is self.image_area

    def displayed_image_size(self) -> QSize:
        """The size of the image on screen, in device-independent pixels."""
        return QSize(self._displayed)

    def is_fit_width(self) -> bool:
        return self._zoom is None if self._kind == "image" else (
            self.pdf_view.zoomMode() == QPdfView.ZoomMode.FitToWidth)

    def zoom_factor(self) -> float:
        """The scale the document is shown at (1.0: its natural size)."""
        if self._kind == "image":
            return self._zoom if self._zoom is not None else self._image_fit_factor()
        if self._kind == "pdf":
            if self.pdf_view.zoomMode() == QPdfView.ZoomMode.FitToWidth:
                return self._pdf_fit_factor()
            return self.pdf_view.zoomFactor()
        return 1.0

    # -- pages ----------------------------------------------------------------------------

    def go_to_page(self, page: int) -> None:
        """Scroll page ``page`` (from 1) to the top of the view."""
        if self._kind != "pdf":
            return
        page = min(max(page, 1), self.page_count())
        navigator = self.pdf_view.pageNavigator()
        navigator.jump(page - 1, QPointF(), navigator.currentZoom())
        self._update_toolbar()

    def next_page(self) -> None:
        self.go_to_page(self.current_page() + 1)

    def previous_page(self) -> None:
        self.go_to_page(self.current_page() - 1)

    # -- zoom -----------------------------------------------------------------------------

    def zoom_in(self) -> None:
        self._set_zoom(self.zoom_factor() * ZOOM_STEP)

    def zoom_out(self) -> None:
        self._set_zoom(self.zoom_factor() / ZOOM_STEP)

    def fit_width(self) -> None:
        if self._kind == "pdf":
            page = self.current_page()
            self.pdf_view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
            self.go_to_page(page)
        elif self._kind == "image":
            self._zoom = None
            self._rescale()
        self._update_toolbar()

    def _set_zoom(self, factor: float) -> None:
        factor = min(max(factor, MIN_ZOOM), MAX_ZOOM)
        if self._kind == "pdf":
            page = self.current_page()
            self.pdf_view.setZoomMode(QPdfView.ZoomMode.Custom)
            self.pdf_view.setZoomFactor(factor)
            self.go_to_page(page)  # the page being read stays in view
        elif self._kind == "image":
            self._zoom = factor
            self._rescale()
        self._update_toolbar()

    def _pdf_fit_factor(self) -> float:
        # As QPdfView computes it: the page's width in points at the screen's resolution,
        # fitted into the viewport less the document margins.
        page = max(self.pdf_view.pageNavigator().currentPage(), 0)
        width = self._pdf.pagePointSize(page).width() * self.pdf_view.logicalDpiX() / 72
        margins = self.pdf_view.documentMargins()
        available = self.pdf_view.viewport().width() - margins.left() - margins.right()
        return available / width if width > 0 and available > 0 else 1.0

    def _image_fit_factor(self) -> float:
        """Fit the width, never enlarged: a small photo blown up only gets blurred."""
        if self._image.isNull():
            return 1.0
        area = self.image_area
        frame = 2 * area.frameWidth()
        width, height = area.width() - frame, area.height() - frame
        factor = min(1.0, width / self._image.width())
        if self._image.height() * factor > height:  # a vertical scroll bar will take its place
            width -= area.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent)
            factor = min(1.0, width / self._image.width())
        return max(factor, 0.01)

    def _rescale(self) -> None:
        if self._image.isNull():
            return
        factor = self._zoom if self._zoom is not None else self._image_fit_factor()
        size = QSize(max(1, round(self._image.width() * factor)),
                     max(1, round(self._image.height() * factor)))
        if size == self._displayed and self.image_label.pixmap() is not None:
            return
        ratio = self.devicePixelRatioF()
        device = QSize(round(size.width() * ratio), round(size.height() * ratio))
        image = self._image if device == self._image.size() else self._image.scaled(
            device, Qt.AspectRatioMode.IgnoreAspectRatio,
            Qt.TransformationMode.SmoothTransformation)
        pixmap = QPixmap.fromImage(image)
        pixmap.setDevicePixelRatio(ratio)
        self.image_label.setPixmap(pixmap)
        self._displayed = size

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (isinstance(event, QWheelEvent) and self._kind in ("pdf", "image")
                and event.modifiers() & Qt.KeyboardModifier.ControlModifier
                and watched in (self.pdf_view.viewport(), self.image_area.viewport())):
            # Ctrl + wheel zooms, as in every viewer, instead of scrolling.
            if event.angleDelta().y() > 0:
                self.zoom_in()
            elif event.angleDelta().y() < 0:
                self.zoom_out()
            return True
        if event.type() == QEvent.Type.Resize:
            if watched is self.image_area and self._kind == "image" and self._zoom is None:
                self._rescale()
                self._update_toolbar()
            elif watched is self.pdf_view.viewport() and self._kind == "pdf":
                self._update_toolbar()
        return super().eventFilter(watched, event)

    def _update_toolbar(self, *_: object) -> None:
        pdf, shown = self._kind == "pdf", self._kind in ("pdf", "image")
        self.toolbar.setVisible(shown)
        page, count = self.current_page(), self.page_count()
        self.page_label.setVisible(pdf)
        for w in (self.previous_button, self.next_button):
            w.setVisible(count > 1)
        if pdf:
            self.page_label.setText(self.tr("{0} / {1}").format(page, count))
            self.page_label.setAccessibleName(self.tr("Page {0} of {1}").format(page, count))
            self.previous_button.setEnabled(page > 1)
            self.next_button.setEnabled(page < count)
        if shown:
            factor = self.zoom_factor()
            self.zoom_label.setText(self.tr("{0}%").format(round(factor * 100)))
            self.zoom_out_button.setEnabled(factor > MIN_ZOOM + 1e-6)
            self.zoom_in_button.setEnabled(factor < MAX_ZOOM - 1e-6)
            self.fit_button.setChecked(self.is_fit_width())


def human_size(size: int) -> str:
    """"2.4 MB", "830 kB" (decimal units, as the size limits are stated), in the locale's way."""
    return labels.size(size)


class DocumentDialog(QDialog):
    """A document in a window of its own: the preview, what the document is (name, type,
    size), "Save as…" and "Close". It never writes anything: ``save(path)`` is called with
    the path the user chose, and the caller writes the file and records it.

    Not modal (``show()`` it): a practitioner may read a result beside the conversation.
    Closing it drops the document from the preview; the caller owns the dialog.
    """

    def __init__(self, parent: QWidget | None, data: bytes, type: str, name: str,
                 save: Callable[[str], None]) -> None:
        super().__init__(parent)
        self.setObjectName("documentDialog")
        self.setWindowTitle(name)
        self.setWindowFlag(Qt.WindowType.WindowMaximizeButtonHint, True)
        self.name, self.type, self.data_size = name, type, len(data)
        self.save = save
        try:
            kind: DocumentType | None = DocumentType(type)
        except ValueError:
            kind = None
        self.kind = kind

        self.preview = DocumentPreview()
        self.details = QLabel(" · ".join((name, kind.label if kind else type,
                                          human_size(self.data_size))))
        self.details.setObjectName("documentDetails")
        self.details.setTextFormat(Qt.TextFormat.PlainText)  # a patient's file name, not markup
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        # A long name is cut at the window's edge (whole in the tooltip and the title)
        # rather than widening the window past the screen.
        self.details.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.details.setToolTip(self.details.text())
        self.save_button = button(self.tr("Save as…"), "saveAsButton", self.save_as)
        self.close_button = button(self.tr("Close"), "closeDocumentButton", self.close)
        for b in (self.save_button, self.close_button):
            b.setAutoDefault(False)  # Enter does not open a file dialog or close the document
        self.save_button.setToolTip(self.tr("Save a copy of this document on this computer"))

        bottom = QHBoxLayout()
        bottom.addWidget(self.details, 1)
        bottom.addWidget(self.save_button)
        bottom.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.preview, 1)
        layout.addLayout(bottom)

        screen = parent.screen() if parent is not None else QGuiApplication.primaryScreen()
        if screen is not None:
            available = screen.availableGeometry()
            self.resize(min(900, int(available.width() * 0.95)),
                        min(1000, int(available.height() * 0.95)))
        else:
            self.resize(900, 1000)
        if self.preview.show_document(data, type, name):
            self.preview.setFocus()  # to the pages; a document not shown leaves it to Save as…

    def save_as(self) -> None:
        """Ask where to save a copy; ``save(path)`` if the user chose one."""
        path = self._ask_path()
        if not path:
            return
        if self.kind is not None and not Path(path).suffix:
            path += self.kind.extension  # so that the saved file opens with a double click
        self.save(path)

    def _ask_path(self) -> str:
        folder = QStandardPaths.writableLocation(
            QStandardPaths.StandardLocation.DocumentsLocation) or str(Path.home())
        path, _ = QFileDialog.getSaveFileName(
            self, self.tr("Save the document as"), str(Path(folder) / (self.name or "document")),
            self._file_filter())
        return path

    def _file_filter(self) -> str:
        filters = {
            DocumentType.PDF: self.tr("PDF document (*.pdf)"),
            DocumentType.JPEG: self.tr("JPEG image (*.jpg *.jpeg)"),
            DocumentType.PNG: self.tr("PNG image (*.png)"),
            DocumentType.HEIC: self.tr("HEIC image (*.heic *.heif)"),
        }
        return filters[self.kind] if self.kind is not None else self.tr("All files (*)")

    def done(self, result: int) -> None:
        self.preview.clear()  # the decrypted document leaves memory with the window
        super().done(result)
