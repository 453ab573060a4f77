"""Notices from the window: a targeted campaign reaches exactly its patients."""

from __future__ import annotations

from desktop.core.notices import NoticeKind
from tests.ui.conftest import unlock


def test_a_targeted_campaign_reaches_exactly_its_audience(qtbot, relay, practice, jean):
    store = practice.store
    marie = practice.enrol(relay.url, "Marie Dubois", born="1965-05-12")
    sophie = practice.enrol(relay.url, "Sophie Leroux", born="1990-02-03")
    for client, sex, tags in ((jean, "M", "diabète"), (marie, "F", "diabète"),
                              (sophie, "F", "")):
        patient = store.patient_by_relay_id(client.patient_id)
        store.update_patient(patient.id, sex=sex, tags=tags)

    from desktop.ui.main_window import MainWindow
    from desktop.ui.session import Session

    path = store.path
    store.close()
    window = MainWindow(Session(path, long_poll=2))
    qtbot.addWidget(window)
    window.show()
    try:
        unlock(qtbot, window)
        screen = window.show_screen("notices")
        breast = next(i for i in range(screen.template.count())
                      if screen.template.itemData(i) is not None
                      and screen.template.itemData(i).audience.sex == "F"
                      and screen.template.itemData(i).audience.min_age == 50)
        screen.template.setCurrentIndex(breast)
        screen.template.activated.emit(breast)
        assert screen.kind() is NoticeKind.PREVENTION and screen.title.text()
        qtbot.waitUntil(lambda: len(screen.recipients) == 1, timeout=10000)
        assert screen.recipients[0].name == "Marie Dubois"
        assert screen.preview.item(0).text().startswith("Marie Dubois")

        screen.tags.setText("diabète")
        screen.sex.setCurrentIndex(0)  # women and men
        screen.min_age.setValue(50)
        screen.max_age.setValue(74)
        qtbot.waitUntil(lambda: {p.name for p in screen.recipients}
                        == {"Jean Martin", "Marie Dubois"}, timeout=10000)
        screen.sex.setCurrentIndex(screen.sex.findData("F"))
        qtbot.waitUntil(lambda: [p.name for p in screen.recipients] == ["Marie Dubois"],
                        timeout=10000)

        screen.title.setText("Dépistage du cancer du sein")
        screen.text.setPlainText("Madame, le dépistage organisé vous concerne. Parlons-en.")
        screen.send_button.click()
        qtbot.waitUntil(lambda: screen.table.rowCount() == 1, timeout=10000)
        qtbot.waitUntil(lambda: screen.cancel_event is None, timeout=20000)
        qtbot.waitUntil(lambda: window.session.store.outbox_count() == 0, timeout=20000)

        marie.sync()
        sophie.sync()
        jean.sync()
        assert [n["title"] for n in marie.notices()] == ["Dépistage du cancer du sein"]
        assert sophie.notices() == [] and jean.notices() == []
        assert screen.table.item(0, 4).text() == "1"  # recipients

        marie.mark_notice_read(marie.notices()[0]["id"])

        # The receipt comes back through sync; the campaigns refresh without a click.
        qtbot.waitUntil(lambda: screen.table.item(0, 6).text() == "1", timeout=20000)
    finally:
        window.session.close()
        marie.close()
        sophie.close()
