"""Training mode: exercises built from simulated worlds, worked by trainees, scored against the
ground truth.

An instructor (reviewer or above) creates an exercise; ``sever simulate`` writes its world and the
detectors raise their findings (:mod:`.exercise`). Each trainee works the findings within the time
limit (:mod:`.attempts`) and gets a score with the red flags of each missed scheme (:mod:`.score`,
:mod:`.red_flags`); the instructor reads the class table. The tables live in the cases store
(:mod:`.models`, migration 0003).
"""

from sever.web.training.exercise import ExerciseSettings, create_exercise, load_exercise, prepare

__all__ = ["ExerciseSettings", "create_exercise", "load_exercise", "prepare"]
