"""One demo case's life, planned as timed steps and played through the services."""

from demo.seed.story.base import Step, Stop
from demo.seed.story.case import CaseStory

__all__ = ["CaseStory", "Step", "Stop"]
