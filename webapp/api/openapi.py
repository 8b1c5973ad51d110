"""The OpenAPI 3.1 description of /api/v1 (a test checks it against the app's real routes)."""

from __future__ import annotations

ERROR = {"$ref": "#/components/schemas/Error"}


def _answer(description: str, schema=None) -> dict:
    body = {"description": description}
    if schema is not None:
        body["content"] = {"application/json": {"schema": schema}}
    return body


def _errors(*codes: int) -> dict:
    text = {400: "输入有误（按字段给出中英文说明）", 401: "令牌缺失、无效或已过期", 403: "令牌没有该权限范围",
            404: "记录不存在", 409: "外部编号重复"}
    return {str(code): _answer(text[code], ERROR) for code in codes}


SUBJECT = {
    "type": "object",
    "properties": {
        "family": {"type": "string", "enum": ["instructed_item", "petition", "major_case", "referral"]},
        "number": {"type": "string"}, "title": {"type": "string"},
        "status": {"type": "string"}, "level": {"type": "string", "enum": ["blue", "yellow", "orange", "red"]},
        "deadline_at": {"type": ["string", "null"], "format": "date-time"},
        "closed_at": {"type": ["string", "null"], "format": "date-time"},
        "current_steps": {"type": "array", "items": {"type": "object", "properties": {
            "step": {"type": "string"}, "name": {"type": "string"},
            "due_at": {"type": ["string", "null"], "format": "date-time"}}}},
        "history": {"type": "array", "items": {"type": "object", "properties": {
            "at": {"type": "string", "format": "date-time"}, "action": {"type": "string"},
            "step": {"type": ["string", "null"]}, "summary": {"type": "string"}}}},
    },
}
PETITION_IN = {
    "type": "object",
    "required": ["external_ref", "received_at", "content", "address"],
    "properties": {name: {"type": "string"} for name in (
        "channel", "petitioner_name", "petitioner_phone", "petitioner_id_no", "address", "street", "category",
        "content", "external_ref")} | {"received_at": {"type": "string", "format": "date-time"}},
}

ITEM_IN = {
    "type": "object", "additionalProperties": False,
    "required": ["external_ref", "kind", "title", "instruction_text", "received_at"],
    "properties": {
        "external_ref": {"type": "string", "maxLength": 64, "description": "来文系统自己的编号（防重复）"},
        "kind": {"type": "integer", "minimum": 1, "maximum": 6,
                 "description": "1 市委市政府领导批示 2 住建部领导批示 3 市建委领导批示 4 市局领导批示 "
                                "5 新闻媒体曝光 6 舆情监控交办"},
        "title": {"type": "string", "maxLength": 200}, "instruction_text": {"type": "string", "maxLength": 5000},
        "received_at": {"type": "string", "format": "date-time"},
        "source_doc_number": {"type": "string", "maxLength": 64},
        "instructing_leader": {"type": "string", "maxLength": 64},
        "deadline_on": {"type": ["string", "null"], "format": "date"}, "needs_study": {"type": "boolean"},
    },
}


def document() -> dict:
    bearer = [{"bearer": []}]
    return {
        "openapi": "3.1.0",
        "info": {"title": "督办系统开放接口 Duban open API", "version": "1",
                 "description": "供 12345 热线、网上办案系统等市级系统登记、查询和同步督办事项。"
                                "每个请求带 `Authorization: Bearer <令牌>`；令牌有权限范围和有效期；每次调用都留痕。"},
        "servers": [{"url": "/api/v1"}],
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": {
                "Error": {"type": "object", "required": ["error"], "properties": {
                    "error": {"type": "string", "description": "中文说明"},
                    "error_en": {"type": "string", "description": "English message"},
                    "field": {"type": "string"}, "field_label": {"type": "string"}}},
                "Subject": SUBJECT, "PetitionInput": PETITION_IN, "ItemInput": ITEM_IN,
            },
        },
        "paths": {
            "/petitions": {"post": {
                "summary": "登记信访件（scope petitions:write）", "security": bearer,
                "requestBody": {"required": True, "content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/PetitionInput"}}}},
                "responses": {"201": _answer("已登记", {"type": "object", "properties": {
                    "id": {"type": "integer"}, "number": {"type": "string"}, "status": {"type": "string"},
                    "squad": {"type": ["string", "null"]},
                    "conclude_due_at": {"type": "string", "format": "date-time"}}}), **_errors(400, 401, 403, 409)}}},
            "/items": {"post": {
                "summary": "登记批示件（scope items:write）", "security": bearer,
                "requestBody": {"required": True, "content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/ItemInput"}}}},
                "responses": {"201": _answer("已登记", {"type": "object", "properties": {
                    "id": {"type": "integer"}, "number": {"type": "string"}, "status": {"type": "string"},
                    "external_ref": {"type": "string"},
                    "deadline_at": {"type": "string", "format": "date-time"}}}), **_errors(400, 401, 403, 409)}}},
            "/subjects/{number}": {"get": {
                "summary": "按编号查询督办事项的状态、当前环节、期限和办理过程（scope subjects:read）",
                "security": bearer,
                "parameters": [{"name": "number", "in": "path", "required": True, "schema": {"type": "string"}}],
                "responses": {"200": _answer("督办事项", {"$ref": "#/components/schemas/Subject"}),
                              **_errors(401, 403, 404)}}},
            "/subjects": {"get": {
                "summary": "按外部编号查询督办事项（scope subjects:read）", "security": bearer,
                "parameters": [{"name": "external_ref", "in": "query", "required": True,
                                "schema": {"type": "string"}}],
                "responses": {"200": _answer("督办事项", {"$ref": "#/components/schemas/Subject"}),
                              **_errors(400, 401, 403, 404)}}},
            "/changes": {"get": {
                "summary": "游标之后的全部变更，按先后排列（scope changes:read）", "security": bearer,
                "parameters": [
                    {"name": "cursor", "in": "query", "schema": {"type": "integer", "minimum": 0, "default": 0}},
                    {"name": "limit", "in": "query",
                     "schema": {"type": "integer", "minimum": 1, "maximum": 500, "default": 100}}],
                "responses": {"200": _answer("变更", {"type": "object", "properties": {
                    "next_cursor": {"type": "integer"},
                    "changes": {"type": "array", "items": {"type": "object", "properties": {
                        "cursor": {"type": "integer"}, "at": {"type": "string", "format": "date-time"},
                        "family": {"type": "string"}, "number": {"type": ["string", "null"]},
                        "action": {"type": "string"}, "step": {"type": ["string", "null"]},
                        "summary": {"type": "string"}, "status": {"type": ["string", "null"]}}}}}}),
                    **_errors(400, 401, 403)}}},
            "/openapi.json": {"get": {"summary": "本说明（OpenAPI 3.1）", "security": [],
                                      "responses": {"200": _answer("OpenAPI 文档", {"type": "object"})}}},
            "/docs": {"get": {"summary": "可读的接口说明页（Redoc）", "security": [],
                              "responses": {"200": {"description": "HTML 页面",
                                                    "content": {"text/html": {"schema": {"type": "string"}}}}}}},
        },
    }
