"""What every part of bench/run shares: its messages, its failure, and the run's settings."""
import dataclasses
import sys
from pathlib import Path


class Failed(Exception):
    """The bench cannot go on: a setup step, a timed command or a check failed."""


def say(text):
    print(f"\033[1mbench:\033[0m {text}", file=sys.stderr, flush=True)


def die(text):
    raise Failed(text)


@dataclasses.dataclass
class Settings:
    """The options, the directories and the round being measured."""
    root: Path
    work: Path
    out: Path
    hit_runs: int = 30          # timed runs of each hit and start-up measurement, over all rounds
    miss_runs: int = 10         # timed runs of each miss measurement, over all rounds
    warmup: int = 3             # untimed runs before each hit measurement (hyperfine --warmup)
    miss_warmup: int = 1        # untimed runs before each miss measurement
    rounds: int = 3             # every file case is measured in this many interleaved rounds, pooled
    server_warmup: int = 20     # untimed hits that warm each distcache server's JIT before round 1
    project_rounds: int = 3     # rounds of the project: each tool's cold and warm build once per round
    configure_rounds: int = 1   # rounds that configure the project afresh (timed); later ones reuse it
    jobs: int = 2               # make -jJOBS for the project
    quick: bool = False         # smoke test: the project cut down to its zlib
    round: int = 1              # the round being measured

    @property
    def src(self):
        return self.work / "src"

    @property
    def results(self):
        return self.work / "results"

    @property
    def logs(self):
        return self.work / "logs"

    def per_round(self, runs):
        """The timed runs of a measurement in one round: RUNS spread over the rounds."""
        return -(-runs // self.rounds)
