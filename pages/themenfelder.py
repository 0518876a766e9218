"""placeholder"""
from kpi import ui

ctx = ui.page("page.themenfelder")
