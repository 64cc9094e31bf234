"""The messages a child sends, read through their records in ``kernelgym.sandbox.protocol``: whatever a lying child
puts in a header (wrong types, huge numbers, huge strings, nested junk, missing or extra fields), ``from_header``
gives a safe record and raises nothing; what the child builds with ``to_header`` reads back as the same record."""
from __future__ import annotations

import dataclasses
import json
import math
import socket
import struct

import pytest

from kernelgym.sandbox import protocol
from kernelgym.sandbox.protocol import (ERROR_CHARS, FIELD_CHARS, MAX_COUNT, MAX_DIMS, MAX_ITEMS, MAX_SPECS,
                                        NAME_CHARS, CompileOutcome, Compiled, Done, Envelope, Hello, ImportFailure,
                                        Outputs, Ready, RecheckOutputs, RunResult, Score, Spec, Timed, TensorMeta,
                                        TimingOutputs)

MESSAGES = [Envelope, Hello, Done, ImportFailure, Outputs, RunResult, Compiled, Ready, Timed, TimingOutputs,
            RecheckOutputs, Score]
NESTED = json.loads("[" * 200 + "]" * 200)
JUNK = [None, True, 0, -1, 10**300, 1e308, math.inf, math.nan, "x" * 100_000, [], [None, {}, [1]], {}, {"a": {}},
        NESTED]
FIELDS = ["type", "index", "denied", "isolation", "secret", "error", "stage", "outputs", "inputs_after", "not_plain",
          "aliases_input", "launches", "ops", "specs", "bytes_loaded", "bytes_stored", "out_of_bounds",
          "compile_error", "results", "median_ms", "score", "returned"]


def spec_header(**changes) -> dict:
    header = {"module": "candidate", "qualname": "add_kernel", "signature": {"x_ptr": "*fp32", "BLOCK": "constexpr"},
              "constexprs": {"BLOCK": 128}, "options": {"num_warps": 4}, "aligned": ["x_ptr"], "fingerprint": "ab12"}
    return {**header, **changes}


def run_header(**changes) -> dict:
    header = {"type": "run", "index": 0, "outputs": [{"dtype": "float32", "shape": [4]}], "inputs_after": [],
              "not_plain": [], "aliases_input": False, "launches": 1, "ops": {}, "specs": [spec_header()],
              "bytes_loaded": 32, "bytes_stored": 16, "denied": []}
    return {**header, **changes}


# --- every message record -------------------------------------------------------------------------------------
@pytest.mark.parametrize("record", MESSAGES, ids=lambda r: r.__name__)
def test_a_header_that_is_not_an_object_gives_the_empty_record(record):
    assert all(record.from_header(header) == record() for header in [None, 5, "run", [{"type": "run"}], NESTED])


@pytest.mark.parametrize("record", MESSAGES, ids=lambda r: r.__name__)
def test_junk_in_any_field_raises_nothing(record):
    assert all(isinstance(record.from_header({field: junk for field in FIELDS}), record) for junk in JUNK)


@pytest.mark.parametrize("record", MESSAGES, ids=lambda r: r.__name__)
def test_extra_fields_are_ignored(record):
    assert record.from_header({"type": "x", "extra": {"deep": NESTED}, "_buffers": [1]}) == \
        record.from_header({"type": "x"})


# --- Envelope ----------------------------------------------------------------------------------------------------
def test_a_kind_that_is_not_text_is_no_kind():
    assert Envelope.from_header({"type": ["run"]}).kind is None


def test_a_long_kind_is_cut_and_matches_no_real_kind():
    assert Envelope.from_header({"type": "run" + "x" * 10_000}).kind == ("run" + "x" * 10_000)[:NAME_CHARS]


@pytest.mark.parametrize("index", [True, 1.0, "1", None, [1]])
def test_an_index_that_is_not_an_integer_is_none(index):
    assert Envelope.from_header({"type": "run", "index": index}).index is None


def test_refused_events_keep_only_text_cut_and_distinct():
    denied = Envelope.from_header({"denied": ["ctypes", 5, None, ["open"], "ctypes", "o" * 500]}).denied
    assert denied == ("ctypes", "o" * NAME_CHARS)


def test_refused_events_are_bounded_in_number():
    assert len(Envelope.from_header({"denied": [f"event{i}" for i in range(10_000)]}).denied) == MAX_ITEMS


# --- Hello and Done ---------------------------------------------------------------------------------------------
def test_isolation_that_is_not_a_list_gives_no_layers():
    assert Hello.from_header({"isolation": "network_namespace"}).isolation == ()


def test_isolation_keeps_only_text():
    assert Hello.from_header({"isolation": ["seccomp", 1, {"a": 1}]}).isolation == ("seccomp",)


def test_hello_round_trips():
    hello = Hello(("pid_namespace", "seccomp"))
    assert Hello.from_header(hello.to_header()) == hello


@pytest.mark.parametrize("secret", [None, 12, ["s"], "s" * 257])
def test_a_secret_that_is_not_short_text_is_empty(secret):
    assert Done.from_header({"secret": secret}).secret == ""


def test_done_round_trips():
    assert Done.from_header(Done("ab" * 16).to_header()) == Done("ab" * 16)


# --- ImportFailure ----------------------------------------------------------------------------------------------
def test_an_import_error_keeps_its_last_characters():
    error = ImportFailure.from_header({"error": "x" * 100_000 + "ValueError: boom"}).error
    assert len(error) == ERROR_CHARS and error.endswith("ValueError: boom")


def test_an_import_error_that_is_not_text_is_printed():
    assert ImportFailure.from_header({"error": 42}).error == "42"


def test_an_import_failure_round_trips():
    failure = ImportFailure("SyntaxError: invalid syntax", denied=("ctypes",))
    assert ImportFailure.from_header(failure.to_header()) == failure


# --- TensorMeta and Outputs -------------------------------------------------------------------------------------
@pytest.mark.parametrize("meta", [
    {"dtype": "object", "shape": [1]}, {"dtype": "float32", "shape": [True]}, {"dtype": "float32", "shape": [-1]},
    {"dtype": "float32", "shape": [1] * (MAX_DIMS + 1)}, {"dtype": "float32", "shape": "4"}, {"dtype": "float32"},
    {"dtype": ["float32"], "shape": [4]}, "float32", None])
def test_bad_tensor_metadata_raises_value_error(meta):
    with pytest.raises(ValueError):
        TensorMeta.from_header(meta)


def test_one_bad_tensor_marks_the_outputs_malformed():
    outputs = Outputs.from_header({"outputs": [{"dtype": "float32", "shape": [4]}, {"dtype": "object", "shape": []}]})
    assert outputs.tensors is None


def test_outputs_that_are_not_a_list_are_malformed():
    assert Outputs.from_header({"outputs": {"dtype": "float32", "shape": [4]}}).tensors is None


def test_malformed_outputs_are_malformed_tensors_for_the_grader():
    from kernelgym.compare import Malformed, decode_all

    with pytest.raises(Malformed):
        decode_all(Outputs.from_header({"outputs": [{"dtype": ["float32"], "shape": [1]}]}).tensors, [b"1234"])


def test_missing_outputs_are_none_sent():
    assert Outputs.from_header({}) == Outputs()


@pytest.mark.parametrize("aliases", [1, "yes", [True]])
def test_aliasing_is_only_true_itself(aliases):
    assert Outputs.from_header({"aliases_input": aliases}).aliases_input is False


def test_outputs_round_trip_through_encode_outputs():
    import torch

    x = torch.arange(6, dtype=torch.float32).reshape(2, 3)
    outputs, buffers = protocol.encode_outputs((x * 2, [1]), [x])
    assert Outputs.from_header(json.loads(json.dumps(outputs.to_header()))) == outputs
    assert outputs.tensors == (TensorMeta("float32", (2, 3)),) and len(buffers) == 2 and outputs.not_plain


# --- Spec --------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("field", ["module", "qualname", "signature", "constexprs"])
def test_a_spec_without_a_required_field_raises_value_error(field):
    header = spec_header()
    del header[field]
    with pytest.raises(ValueError):
        Spec.from_header(header)


@pytest.mark.parametrize("changes", [{"signature": [["x_ptr", "*fp32"]]}, {"constexprs": "BLOCK=128"},
                                     {"options": {"num_warps": 4.5}}, {"options": {"num_warps": math.inf}},
                                     {"options": ["num_warps"]}])
def test_a_spec_with_fields_of_the_wrong_type_raises_value_error(changes):
    with pytest.raises(ValueError):
        Spec.from_header(spec_header(**changes))


def test_constexprs_that_are_not_scalars_are_dropped():
    spec = Spec.from_header(spec_header(constexprs={"BLOCK": 128, "F": [1], "G": {"a": 1}, "H": None}))
    assert spec.constexprs == {"BLOCK": 128, "H": None}


def test_spec_strings_are_cut():
    spec = Spec.from_header(spec_header(qualname="k" * 100_000, constexprs={"ACT": "r" * 100_000},
                                        fingerprint="f" * 1000))
    assert (len(spec.qualname), len(spec.constexprs["ACT"]), len(spec.fingerprint)) == (FIELD_CHARS, FIELD_CHARS, 64)


def test_spec_options_are_clamped():
    assert Spec.from_header(spec_header(options={"num_warps": 10**100})).options == {"num_warps": 2**31 - 1}


def test_aligned_arguments_keep_only_text():
    assert Spec.from_header(spec_header(aligned=["x_ptr", 3, None])).aligned == ("x_ptr",)


def test_all_of_drops_invalid_specs_and_keeps_at_most_max_specs():
    specs = Spec.all_of([spec_header(), 7, {"module": "m"}] + [spec_header(qualname=f"k{i}") for i in range(100)])
    assert len(specs) == MAX_SPECS and specs[0].qualname == "add_kernel" and specs[1].qualname == "k0"


def test_a_spec_round_trips():
    spec = Spec.from_header(spec_header())
    assert Spec.from_header(json.loads(json.dumps(spec.to_header()))) == spec


# --- RunResult ---------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("launches, expected", [(-5, 0), (True, 0), (2.0, 0), ("3", 0), (10**30, MAX_COUNT), (7, 7)])
def test_launches_are_a_clamped_count(launches, expected):
    assert RunResult.from_header(run_header(launches=launches)).launches == expected


def test_bytes_moved_are_clamped_counts():
    message = RunResult.from_header(run_header(bytes_loaded=10**40, bytes_stored=-1))
    assert (message.bytes_loaded, message.bytes_stored) == (MAX_COUNT, 0)


def test_ops_that_are_not_a_dict_are_none():
    assert RunResult.from_header(run_header(ops=["aten.add"])).ops == {}


def test_op_names_are_cut_and_bounded_in_number():
    ops = RunResult.from_header(run_header(ops={f"aten.op{i}" + "x" * 200: i for i in range(1000)})).ops
    assert len(ops) == MAX_ITEMS and all(len(name) == NAME_CHARS for name in ops)


def test_op_counts_are_clamped_counts():
    assert RunResult.from_header(run_header(ops={"aten.add": "many", "aten.mul": 10**40})).ops == \
        {"aten.add": 0, "aten.mul": MAX_COUNT}


def test_specs_that_are_not_a_list_are_none():
    assert RunResult.from_header(run_header(specs={"module": "m"})).specs == ()


def test_an_error_is_present_whatever_its_value():
    assert RunResult.from_header(run_header(error=None)).error == "None"


def test_no_error_field_is_no_error():
    assert RunResult.from_header(run_header()).error is None


@pytest.mark.parametrize("flag", ["out_of_bounds", "compile_error"])
def test_error_flags_are_only_true_itself(flag):
    assert getattr(RunResult.from_header(run_header(error="boom", **{flag: 1})), flag) is False


def test_an_unknown_kind_reads_as_a_run():
    assert RunResult.from_header(run_header(type="timed")).kind == "run"


def test_a_run_result_round_trips():
    message = RunResult.from_header(run_header(type="ablation", ops={"aten.add": 2}, denied=["ctypes"]))
    assert RunResult.from_header(json.loads(json.dumps(message.to_header()))) == message


def test_a_failed_run_round_trips():
    message = RunResult("run", 3, launches=2, error="RuntimeError: boom", out_of_bounds=True)
    assert RunResult.from_header(json.loads(json.dumps(message.to_header()))) == message


# --- CompileOutcome and Compiled ---------------------------------------------------------------------------------
def test_a_compile_outcome_that_is_not_an_object_raises_value_error():
    with pytest.raises(ValueError):
        CompileOutcome.from_header(["ok"])


@pytest.mark.parametrize("ok", [1, "true", [True], None])
def test_a_compile_outcome_is_ok_only_when_ok_is_true(ok):
    assert CompileOutcome.from_header({"ok": ok}).ok is False


def test_stats_keep_only_known_finite_numbers_clamped():
    stats = CompileOutcome.from_header({"ok": True, "stats": {
        "registers": 10**40, "spill_bytes": -3, "occupancy": 0.5, "num_warps": True, "shared_bytes": math.inf,
        "global_loads_vector": "4", "evil": 1}}).stats
    assert stats == {"registers": 2**31 - 1, "spill_bytes": 0, "occupancy": 0.5}


def test_stats_that_are_not_a_dict_are_none():
    assert CompileOutcome.from_header({"ok": True, "stats": [1, 2]}).stats is None


def test_a_compile_error_keeps_its_last_characters():
    assert CompileOutcome.from_header({"error": "x" * 10_000 + "ptxas fatal"}).error.endswith("ptxas fatal")


def test_stat_names_are_the_kernel_stats_fields():
    from kernelgym.result import KernelStats

    assert [f.name for f in dataclasses.fields(KernelStats)] == ["kernel", *protocol.KERNEL_STATS]


def test_results_that_are_not_a_list_are_none():
    assert Compiled.from_header({"type": "compiled", "results": 5}).results == ()


def test_results_that_are_not_objects_are_dropped():
    assert Compiled.from_header({"results": [{"ok": True}, "ok", 1]}).results == (CompileOutcome(ok=True),)


def test_compiled_round_trips():
    message = Compiled((CompileOutcome(True, "k[BLOCK=128]", stats={"registers": 32, "occupancy": 0.75}),
                        CompileOutcome(False, "j", "CompilationError: boom")), ("ctypes",))
    assert Compiled.from_header(json.loads(json.dumps(message.to_header()))) == message


# --- timing steps ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("median", [True, "1.0", -1.0, 0, math.inf, math.nan, [1.0], None])
def test_a_median_that_is_not_a_positive_finite_number_is_none(median):
    assert Timed.from_header({"median_ms": median}).median_ms is None


def test_a_median_too_large_for_a_float_is_none():
    assert Timed.from_header({"median_ms": 10**400}).median_ms is None


@pytest.mark.parametrize("step", [Ready, Timed, TimingOutputs, RecheckOutputs], ids=lambda s: s.KIND)
def test_a_timing_error_keeps_its_last_1500_characters(step):
    assert step.from_header({"error": "x" * 10_000 + "boom"}).error == ("x" * 10_000 + "boom")[-1500:]


@pytest.mark.parametrize("message", [Ready(0), Ready(1, error="boom"), Timed(0, 1.25, 3), Timed(2, error="boom"),
                                     TimingOutputs(0, Outputs((TensorMeta("float16", (8, 8)),), ())),
                                     RecheckOutputs(1, error="boom")], ids=repr)
def test_timing_steps_round_trip(message):
    assert type(message).from_header(json.loads(json.dumps(message.to_header()))) == message


def test_the_timing_steps_are_in_the_order_sent():
    assert list(protocol.TIMING_STEPS) == ["ready", "timed", "timing", "timing_recheck"]


# --- Score -------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("score", [True, "1", [1.0], None])
def test_a_score_that_is_not_a_number_is_none(score):
    assert Score.from_header({"score": score}).score is None


def test_a_score_too_large_for_a_float_is_infinite():
    assert Score.from_header({"score": -(10**400)}).score == -math.inf


def test_returned_and_error_are_cut():
    score = Score.from_header({"returned": "T" * 1000, "error": "e" * 10_000})
    assert (len(score.returned), len(score.error)) == (100, 2000)


@pytest.mark.parametrize("message", [Score(0.5, isolation=("landlock_filesystem",)), Score(returned="str"),
                                     Score(error="ValueError: no")], ids=repr)
def test_scores_round_trip(message):
    assert Score.from_header(json.loads(json.dumps(message.to_header()))) == message


# --- framing -----------------------------------------------------------------------------------------------------
def _frame(head: bytes) -> bytes:
    return struct.pack("!Q", len(head)) + head


@pytest.mark.parametrize("head", [b"5", b'"text"', b"[1, 2]", b"null", b"[" * 100_000 + b"]" * 100_000,
                                  b'{"_buffers": 5}', b'{"_buffers": [true]}', b'{"type": "run"}', b"\xff\xfe"],
                         ids=lambda h: h[:12].decode(errors="replace"))
def test_recv_refuses_a_header_that_is_not_a_framed_object(head):
    ours, theirs = socket.socketpair()
    with ours, theirs:
        theirs.sendall(_frame(head))
        with pytest.raises(protocol.ChannelViolation):
            protocol.recv(ours, max_bytes=1 << 20)


def test_a_record_crosses_the_channel():
    ours, theirs = socket.socketpair()
    message = RunResult.from_header(run_header())
    with ours, theirs:
        protocol.send(theirs, message.to_header(), [bytes(16)])
        header, buffers = protocol.recv(ours)
    assert RunResult.from_header(header) == message and buffers == [bytearray(16)]


# --- the grader reads the records -------------------------------------------------------------------------------
def _grader_with(session):
    from kernelgym.grader import Grader, GraderConfig

    grader = Grader(GraderConfig(device="cpu", check_compile=False))
    grader.sandbox.session = session
    return grader


def test_junk_counters_in_run_results_count_nothing_and_raise_nothing(vector_add):
    """Correct outputs with junk beside them: the tests pass, and the junk adds no launch, op or refused event."""
    import torch

    from kernelgym.result import KernelResult

    def session(mode, job, result, outbox=None, max_bytes=None):
        junk = {"launches": "9", "ops": ["aten.add"], "specs": 5, "bytes_loaded": -1, "denied": {"ctypes": 1}}
        for index, entry in enumerate(expected):
            outputs, buffers = protocol.encode_outputs(entry.outputs[0], entry.inputs)
            yield {**outputs.to_header(), **junk, "type": "run", "index": index}, buffers
        outputs, buffers = protocol.encode_outputs(torch.zeros_like(ablation.outputs[0]), ablation.inputs)
        yield {**outputs.to_header(), **junk, "type": "ablation", "index": 0}, buffers

    grader = _grader_with(session)
    expected, ablation = grader._references(vector_add)
    result = KernelResult()
    grader._run(vector_add, "source", expected, ablation, result)
    assert result.tests_passed == result.tests_total == len(expected) and result.launches == 0
    assert result.hacks == ["no_triton_launch"]


def test_a_compile_reply_without_a_list_of_results_compiles_nothing():
    from kernelgym.result import KernelResult

    def session(mode, job, result, outbox=None, max_bytes=None):
        yield {"type": "compiled", "results": 5}, []

    result = KernelResult()
    _grader_with(session)._compile("source", [Spec.from_header(spec_header())], result, [])
    assert result.compiled is False and result.kernel_stats == []
