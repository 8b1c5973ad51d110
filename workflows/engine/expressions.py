"""A restricted expression environment for gateway conditions, timers and scripts.

Model authors get expressions over task data plus a short whitelist of helpers: no imports,
no file access, no attribute names starting with an underscore (checked at compile time).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from RestrictedPython import compile_restricted_eval, compile_restricted_exec, safe_globals
from RestrictedPython.Eval import default_guarded_getitem, default_guarded_getiter
from RestrictedPython.Guards import guarded_iter_unpack_sequence, safer_getattr
from SpiffWorkflow.bpmn.script_engine import BasePythonScriptEngineEnvironment, PythonScriptEngine


class ExpressionError(Exception):
    """An expression was refused or failed to compile (not a SyntaxError: Spiff mishandles those)."""


WHITELIST = {"datetime": datetime, "timedelta": timedelta, "len": len, "min": min, "max": max}


class RestrictedEnvironment(BasePythonScriptEngineEnvironment):
    def _globals(self, context: dict, external_context: dict | None) -> dict:
        env = dict(safe_globals)
        env.update(
            _getattr_=safer_getattr,
            _getitem_=default_guarded_getitem,
            _getiter_=default_guarded_getiter,
            _iter_unpack_sequence_=guarded_iter_unpack_sequence,
            _write_=lambda obj: obj,
        )
        env.update(self.globals)
        env.update(external_context or {})
        env.update(context)
        return env

    def evaluate(self, expression, context, external_context=None):
        result = compile_restricted_eval(expression)
        if result.errors or result.code is None:
            raise ExpressionError("; ".join(result.errors) or "cannot compile expression")
        return eval(result.code, self._globals(context, external_context))  # noqa: S307 - restricted code

    def execute(self, script, context, external_context=None):
        result = compile_restricted_exec(script)
        if result.errors or result.code is None:
            raise ExpressionError("; ".join(result.errors) or "cannot compile script")
        env = self._globals(context, external_context)
        local: dict = {}
        exec(result.code, env, local)  # noqa: S102 - restricted code
        context.update({k: v for k, v in local.items() if not callable(v)})
        return True


def make_script_engine() -> PythonScriptEngine:
    return PythonScriptEngine(environment=RestrictedEnvironment(dict(WHITELIST)))
