"""The one place the application reaches Qt (as qutebrowser's ``qt/`` and Anki's ``aqt/qt``).

Every module of ``desktop/ui`` imports Qt names from here, so that a change
of binding or version is made in one file. QtPdf and QtPdfWidgets (document
previews) come from their own wheel, PySide6-Pdf, since PySide6 6.12.
"""

from PySide6.QtCore import *
from PySide6.QtGui import *
from PySide6.QtPdf import *
from PySide6.QtPdfWidgets import *
from PySide6.QtWidgets import *
