"""TOPSIS, AHP, the crossover weight and the flip point against published examples."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from criteria.aggregate import weighted_mean
from criteria.mcda import ahp, ahp_synthesis, crossover_weight, topsis, topsis_batch
from criteria.sensitivity import smallest_flip, stability

SAW = np.array([[0.75, 0.50, 0.75, 0, 0, 0, 1], [0.75, 1, 0.75, 0, 0, 0, 0.75],
                [0.75, 0.75, 0.75, 0, 0.50, 0.25, 1], [0.50, 0.50, 0.75, 1, 0.50, 0, 0.75]])  # fmt: skip
SAW_W = [0.1, 0.1, 0.1, 0.15, 0.2, 0.25, 0.1]


def test_topsis_tzeng_huang_2011() -> None:
    closeness = topsis([[5, 8, 4], [7, 6, 8], [8, 8, 6], [7, 4, 6]], [0.3, 0.4, 0.3])
    assert closeness == pytest.approx([0.5037, 0.6581, 0.7482, 0.3340], abs=1e-4)


def test_topsis_ersoy_2021_with_cost_criteria() -> None:
    matrix = [[256, 8, 41, 1.6, 1.77, 7347.16], [256, 8, 32, 1.0, 1.8, 6919.99],
              [256, 8, 53, 1.6, 1.9, 8400], [256, 8, 41, 1.0, 1.75, 6808.9],
              [512, 8, 35, 1.6, 1.7, 8479.99], [256, 4, 35, 1.6, 1.7, 7499.99]]  # fmt: skip
    weights = [0.405, 0.221, 0.134, 0.199, 0.007, 0.034]
    result = topsis(matrix, weights, [1, 1, 1, 1, -1, -1])
    assert result == pytest.approx([0.308, 0.254, 0.327, 0.263, 0.857, 0.192], abs=0.01)


def test_topsis_normalisation_changes_the_winner_opricovic_tzeng_2004() -> None:
    matrix, weights, types = [[1, 3000], [2, 3750], [5, 4500]], [0.5, 0.5], [-1, 1]
    assert topsis(matrix, weights, types, normalisation="minmax") == pytest.approx(
        [0.5, 0.617, 0.5], abs=1e-3
    )
    assert topsis(matrix, weights, types) == pytest.approx([0.762, 0.722, 0.238], abs=1e-3)


def test_ahp_papathanasiou_ploskas_2018() -> None:
    criteria = [[1, 1, 5, 3], [1, 1, 5, 3], [1 / 5, 1 / 5, 1, 1 / 3], [1 / 3, 1 / 3, 3, 1]]
    result = ahp(criteria)
    assert result.weights == pytest.approx([0.3899, 0.3899, 0.0679, 0.1524], abs=1e-4)
    assert result.lambda_max == pytest.approx(4.0435, abs=1e-4)
    assert result.cr == pytest.approx(0.0161, abs=1e-4)
    assert result.consistent
    alternatives = [
        [[1,5,1,1,"1/3",3],["1/5",1,"1/3","1/5","1/7",1],[1,3,1,"1/3","1/5",1],[1,5,3,1,"1/3",3],[3,7,5,3,1,7],["1/3",1,1,"1/3","1/7",1]],
        [[1,7,3,"1/3","1/3","1/3"],["1/7",1,"1/3","1/7","1/9","1/7"],["1/3",3,1,"1/5","1/5","1/5"],[3,7,5,1,1,1],[3,9,5,1,1,1],[3,7,5,1,1,1]],
        [[1,"1/9","1/7","1/9",1,"1/5"],[9,1,1,1,5,3],[7,1,1,1,5,1],[9,1,1,1,7,3],[1,"1/5","1/5","1/7",1,"1/3"],[5,"1/3",1,"1/3",3,1]],
        [[1,"1/5","1/5","1/3","1/7","1/5"],[5,1,1,3,"1/3",1],[5,1,1,1,"1/3",1],[3,"1/3",1,1,"1/7",1],[7,3,3,7,1,5],[5,1,1,1,"1/5",1]],
    ]  # fmt: skip
    assert ahp_synthesis(criteria, alternatives) == pytest.approx(
        [0.117, 0.071, 0.095, 0.212, 0.350, 0.155], abs=1e-3
    )


def test_ahp_flags_the_inconsistent_wang_chin_2011_matrix() -> None:
    pcm = [[1, 4, 3, 1, 3, 4], [1/4, 1, 7, 3, 1/5, 1], [1/3, 1/7, 1, 1/5, 1/5, 1/6],
           [1, 1/3, 5, 1, 1, 1/3], [1/3, 5, 5, 1, 1, 3], [1/4, 1, 6, 3, 1/3, 1]]  # fmt: skip
    result = ahp(pcm)
    assert result.weights == pytest.approx([0.3208, 0.1395, 0.0348, 0.1285, 0.2374, 0.1391],
                                           abs=1e-4)  # fmt: skip
    assert result.cr == pytest.approx(0.229, abs=1e-3)
    assert not result.consistent


@pytest.mark.parametrize("bad", [[[1, 2], [2, 1]], [[1, 2, 3]], [[1, -1], [-1, 1]], "x"])
def test_ahp_rejects_a_matrix_that_is_not_reciprocal_square_positive(bad) -> None:
    with pytest.raises(ValueError, match="matrix|positive|reciprocal"):
        ahp(bad)


def test_saw_scores_and_derived_critical_weights() -> None:
    normalised = SAW / SAW.max(axis=0)
    assert normalised @ np.array(SAW_W) == pytest.approx([0.35, 0.375, 0.825, 0.6417], abs=1e-4)
    assert crossover_weight(normalised[3], normalised[2], SAW_W, 3) == pytest.approx(
        0.28169, abs=1e-5
    )
    assert crossover_weight(normalised[3], normalised[2], SAW_W, 5) == pytest.approx(
        0.08163, abs=1e-5
    )
    assert crossover_weight(normalised[1], normalised[2], SAW_W, 1) == pytest.approx(
        0.67857, abs=1e-5
    )


def test_the_flip_point_is_exactly_where_the_verdict_changes() -> None:
    names = ["a", "b", "c"]
    scores, weights = [80.0, 40.0, 60.0], [1.0, 1.0, 1.0]
    flip = smallest_flip(scores, [True] * 3, weights, names, 50.0, 65.0, 1, ("x", "y", "z"))
    assert flip is not None
    changed = dict(zip(names, weights, strict=True))
    changed[flip.criterion] = flip.weight_to
    mean = sum(changed[n] * s for n, s in zip(names, scores, strict=True)) / sum(changed.values())
    assert mean == pytest.approx(65.0 if flip.verdict == "z" else 50.0)
    # Lowering b (40) to 0.4 (-60 %) beats raising a (80) to 2.0 (+100 %).
    assert (flip.criterion, flip.verdict) == ("b", "z")
    assert flip.weight_to == pytest.approx(0.4)


def test_stability_is_seeded_and_one_far_from_the_thresholds() -> None:
    s = np.array([[90.0, 95.0], [30.0, 90.0]])
    m = np.ones_like(s)
    args = dict(samples=500, perturbation=0.25, seed=3)
    first = stability(
        s, m, np.array([1.0, 1.0]), np.array([65.0, 55.0]), np.array([np.inf, 65.0]), **args
    )
    again = stability(
        s, m, np.array([1.0, 1.0]), np.array([65.0, 55.0]), np.array([np.inf, 65.0]), **args
    )
    assert first[0] == 1.0
    assert 0.0 < first[1] < 1.0
    assert (first == again).all()


@settings(max_examples=80, deadline=None)
@given(
    data=st.lists(st.lists(st.floats(0, 100), min_size=4, max_size=4), min_size=2, max_size=6),
    weights=st.lists(st.floats(0.1, 5), min_size=4, max_size=4),
    j=st.integers(0, 3),
    factor=st.floats(1.0, 10.0),
)
def test_raising_a_weight_never_lowers_the_rank_of_its_leader(data, weights, j, factor) -> None:
    names = ["c0", "c1", "c2", "c3"]
    leader = max(range(len(data)), key=lambda i: (data[i][j], -i))

    def rank(ws: list[float]) -> int:
        # Exact means: the printed totals are rounded to 2 decimals, which can only add ties.
        totals = [sum(w * x for w, x in zip(ws, row, strict=True)) / sum(ws) for row in data]
        for row, total in zip(data, totals, strict=True):
            printed = weighted_mean(dict(zip(names, row, strict=True)),
                                    dict(zip(names, ws, strict=True)))  # fmt: skip
            assert printed == round(total, 2) or abs(printed - total) <= 0.005 + 1e-9
        return sum(1 for t in totals if t > totals[leader] + 1e-9)

    raised = list(weights)
    raised[j] *= factor
    assert rank(raised) <= rank(weights)


def test_topsis_batch_matches_one_weighting_at_a_time() -> None:
    rng = np.random.default_rng(0)
    matrix = rng.uniform(0, 100, (7, 4))
    draws = rng.uniform(0.5, 2.0, (5, 4))
    batch = topsis_batch(matrix, draws)
    for k, weights in enumerate(draws):
        assert batch[:, k] == pytest.approx(topsis(matrix, weights))
