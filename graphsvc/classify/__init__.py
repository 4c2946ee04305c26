"""Tags one interaction with a social-customer type, a calibrated confidence, its language and cues.

>>> from graphsvc.classify import default_classifier
>>> default_classifier().classify("thinking of upgrading to the premium plan, worth it?").type.value
'FUTURE'
"""

from __future__ import annotations

from graphsvc.classify.classifier import Classifier, Item, default_classifier
from graphsvc.classify.context import Context
from graphsvc.classify.playbook import Playbook, PlaybookEntry

__all__ = ["Classifier", "Context", "Item", "Playbook", "PlaybookEntry", "default_classifier"]
