"""Headless models: what each section computes, typed, with no Textual and no Rich.

Between the engine (numpy maths that yields events) and the screens (which
draw): a model asks the engine for numbers and hands a screen, a test, the
class view or the server plain dataclasses. One training loop
(:mod:`.training`) serves every section that trains.

- :mod:`.training` — the one training loop
- :mod:`.lesson` — section 4: the lesson network's walk, update and run
- :mod:`.anatomy` — section 3: the forward pass's anatomy
- :mod:`.sweep` — section 5: the learning-rate sweep and its labels
- :mod:`.health` — section 6: the deep nets and their remedies
- :mod:`.playground` — section 7: set-up, fields, data sets, share code, trainer
"""
