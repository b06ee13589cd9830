# Voila configuration for serving book/explorer.ipynb. `make explorer` and tests/test_browser.py start Voila with
# --Voila.config_file_paths=book/_voila, which loads this file (traitlets Python config) in the Voila process.
#
# It applies kernel_send.py: without it the server-side run of the notebook stalls, at random, on the reply to a
# cell that draws into an ipywidgets Output widget, and the page never connects to its kernel (the docstring of
# kernel_send.py gives the mechanism and the measurements).
import importlib.util
from pathlib import Path

_spec = importlib.util.spec_from_file_location("nadlib_voila_kernel_send", Path(__file__).with_name("kernel_send.py"))
_kernel_send = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_kernel_send)
_kernel_send.apply()
