"""Module: parameter discovery and names, modes, state dicts."""

import math

import pytest

from autograd import Value
from nn import MLP, Dropout, Layer, Module, Neuron, Sequential
from nn.module import check_number


def test_mlp_parameter_names_are_dotted_paths_and_labels():
    model = MLP(2, [3, 1], rng=0)
    names = [name for name, _ in model.named_parameters()]
    assert names[:3] == ["layers.0.neurons.0.w.0", "layers.0.neurons.0.w.1", "layers.0.neurons.0.b"]
    assert names[-1] == "layers.1.neurons.0.b"
    assert len(names) == 3 * 3 + 4
    assert model.layers[0].neurons[2].w[1].label == "layers.0.neurons.2.w.1"
    assert [p.label for p in model.parameters()] == names


def test_parameters_are_listed_once_even_when_shared():
    class Tied(Module):
        def __init__(self):
            self.a = Neuron(2, rng=0)
            self.b = self.a  # the same module twice

    assert len(Tied().parameters()) == 3


def test_zero_grad_resets_every_parameter():
    model = MLP(2, [4, 1], rng=1)
    out = model([1.0, -2.0])[0]
    out.backward()
    assert any(p.grad != 0 for p in model.parameters())
    model.zero_grad()
    assert all(p.grad == 0.0 for p in model.parameters())


def test_train_and_eval_reach_every_submodule():
    model = Sequential(Layer(2, 3, rng=0), Dropout(0.5), Layer(3, 1, rng=1))
    model.eval()
    modules = model.named_modules()
    assert len(modules) == 1 + (1 + 3) + 1 + (1 + 1)  # Sequential, layers with neurons, dropout
    assert not any(m.training for _, m in modules)
    model.train()
    assert all(m.training for _, m in model.named_modules())
    with pytest.raises(TypeError, match="bool"):
        model.train("yes")


def test_state_dict_round_trip_between_models():
    a, b = MLP(2, [4, 1], rng=1), MLP(2, [4, 1], rng=2)
    assert a.state_dict() != b.state_dict()
    b.load_state_dict(a.state_dict())
    assert a.state_dict() == b.state_dict()
    x = [0.3, -0.7]
    assert a(x)[0].data == b(x)[0].data


def test_same_seed_same_model_different_seed_different_model():
    assert MLP(2, [4, 1], rng=7).state_dict() == MLP(2, [4, 1], rng=7).state_dict()
    assert MLP(2, [4, 1], rng=7).state_dict() != MLP(2, [4, 1], rng=8).state_dict()


def test_forward_must_be_defined():
    with pytest.raises(NotImplementedError, match="forward"):
        Module()(Value(1.0))


@pytest.mark.parametrize("x, bounds, want", [
    (0, {"low": 0.0}, 0.0),
    (1, {"low": 0.0, "high": 1.0}, 1.0),
    (0.5, {"above": 0.0, "below": 1.0}, 0.5),
    (-2.5, {}, -2.5),
    (math.inf, {"low": 0.0}, math.inf),  # a closed bound says nothing about infinity
])
def test_check_number_accepts_numbers_in_bounds_as_floats(x, bounds, want):
    got = check_number(x, "x", "f", **bounds)
    assert got == want and type(got) is float


@pytest.mark.parametrize("x, bounds, message", [
    (-0.1, {"low": 0.0}, r"^f: x must be a number >= 0, got -0\.1$"),
    (0.0, {"above": 0.0, "below": 1.0}, r"in \(0, 1\), got 0\.0$"),
    (1.0, {"low": 0.0, "below": 1.0}, r"in \[0, 1\), got 1\.0$"),
    (1.5, {"low": 0.0, "high": 1.0}, r"in \[0, 1\], got 1\.5$"),
    (math.nan, {"low": 0.0}, "got nan"),  # NaN fails every bound
    (math.inf, {"low": 0.0, "below": math.inf}, "got inf"),
    (10**400, {"low": 0.0, "below": math.inf}, "got an int with 401 digits"),  # no OverflowError
    (-(10**400), {"low": 0.0}, "got a negative int with 401 digits"),
])
def test_check_number_rejects_numbers_out_of_bounds(x, bounds, message):
    with pytest.raises(ValueError, match=message):
        check_number(x, "x", "f", **bounds)


@pytest.mark.parametrize("x", [True, "1", None, [1.0], Value(1.0)])
def test_check_number_rejects_non_numbers_with_the_type_error_asked_for(x):
    with pytest.raises(TypeError, match=rf"^f: x must be a number >= 0, got {type(x).__name__} "):
        check_number(x, "x", "f", 0.0)
    with pytest.raises(ValueError, match="x must be a number"):
        check_number(x, "x", "f", type_error=ValueError)


class Collide(Module):
    """The audit's model: under the old `w0, w1` scheme `w[1]` and `w1` were both "w1"."""

    def __init__(self):
        self.w = [Value(1.0), Value(2.0)]
        self.w1 = Value(3.0)


def test_parameter_names_are_unique_by_construction():
    model = Collide()
    assert [name for name, _ in model.named_parameters()] == ["w.0", "w.1", "w1"]
    state = model.state_dict()
    assert state == {"w.0": 1.0, "w.1": 2.0, "w1": 3.0}
    other = Collide()
    for p in other.parameters():
        p.data = 0.0
    other.load_state_dict(state)
    assert [p.data for p in other.parameters()] == [1.0, 2.0, 3.0]


def test_nested_lists_name_each_level_with_its_index():
    class Grid(Module):
        def __init__(self):
            self.weight = [[Value(1.0), Value(2.0)], [(Value(3.0),)]]
            self.layers = [[Neuron(1, rng=0)]]

    names = [name for name, _ in Grid().named_parameters()]
    assert names == ["weight.0.0", "weight.0.1", "weight.1.0.0",
                     "layers.0.0.w.0", "layers.0.0.b"]


def test_a_list_that_contains_itself_is_read_once():
    class Loop(Module):
        def __init__(self):
            self.w = [Value(1.0)]
            self.w.append(self.w)

    assert [name for name, _ in Loop().named_parameters()] == ["w.0"]


def test_two_parameters_with_one_name_are_refused():
    model = Collide()
    setattr(model, "w.0", Value(9.0))  # not an identifier: the one way to make a name twice
    with pytest.raises(ValueError, match="two different parameters are both named 'w.0'"):
        model.named_parameters()


@pytest.mark.parametrize(("change", "message"), [
    (lambda s: s.pop("w1"), "missing 'w1'"),
    (lambda s: s.update({"w2": 0.0}), "unexpected 'w2'"),
    (lambda s: s.update({"w.1": "x"}), "must be a number"),
])
def test_load_state_dict_needs_a_one_to_one_match_and_changes_nothing(change, message):
    model = Collide()
    state = {"w.0": 5.0, "w.1": 6.0, "w1": 7.0}
    change(state)
    with pytest.raises((TypeError, ValueError), match=message):
        model.load_state_dict(state)
    assert [p.data for p in model.parameters()] == [1.0, 2.0, 3.0]


def test_load_state_dict_refuses_a_mapping_that_gives_a_key_twice():
    from collections.abc import Mapping

    class Twice(Mapping):  # a Mapping whose keys repeat: one value would silently win
        def __getitem__(self, key):
            return 5.0

        def __iter__(self):
            return iter(["w.0", "w.1", "w1", "w1"])

        def __len__(self):
            return 4

    model = Collide()
    with pytest.raises(ValueError, match="given more than once 'w1'"):
        model.load_state_dict(Twice())
    assert [p.data for p in model.parameters()] == [1.0, 2.0, 3.0]


def test_a_module_that_refers_back_to_its_parent_is_walked_once():
    class Body(Module):
        def __init__(self):
            self.w = Value(1.0)

    class Owner(Module):
        def __init__(self):
            self.body = Body()
            self.body.owner = self  # a cycle: owner -> body -> owner
            self.twin = self.body  # and a shared submodule
            self.b = Value(2.0)

    model = Owner()
    assert [name for name, _ in model.named_modules()] == ["", "body"]
    assert [name for name, _ in model.named_parameters()] == ["b", "body.w"]
    model.eval()
    assert not model.training and not model.body.training
    assert model.state_dict() == {"b": 2.0, "body.w": 1.0}


def test_a_long_cycle_of_modules_needs_no_recursion():
    first = Module()
    node = first
    for _ in range(5000):  # deeper than the recursion limit
        node.next = Module()
        node.next.w = Value(1.0)
        node = node.next
    node.next = first
    assert len(first.named_modules()) == 5001
    assert len(first.parameters()) == 5000
