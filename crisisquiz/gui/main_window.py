"""The main window."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QLabel,
    QMainWindow,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from crisisquiz.core.packs import PackService


class MainWindow(QMainWindow):
    """Lists the installed packs with their topics."""

    def __init__(self, packs: PackService) -> None:
        super().__init__()
        self.setWindowTitle("crisisquiz")
        self.resize(1024, 700)
        self._packs = packs
        body = QWidget()
        layout = QVBoxLayout(body)
        heading = QLabel("<h1>Installed packs</h1>")
        layout.addWidget(heading)
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels(["Pack / topic", "Version", "Questions"])
        self.tree.setAccessibleName("Installed packs and their topics")
        layout.addWidget(self.tree)
        self.setCentralWidget(body)
        self.refresh()

    def refresh(self) -> None:
        """Reload the list from the database."""
        self.tree.clear()
        for summary in self._packs.list_packs():
            pack = self._packs.get_pack(summary.id)
            item = QTreeWidgetItem([summary.title, summary.version, str(summary.question_count)])
            for topic in pack.topics:
                count = sum(1 for q in pack.questions if q.topic == topic.id)
                item.addChild(QTreeWidgetItem([topic.title, "", str(count)]))
            self.tree.addTopLevelItem(item)
            item.setExpanded(True)
        self.tree.resizeColumnToContents(0)
