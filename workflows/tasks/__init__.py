"""Operations on an open step of a subject of ANY family (one module per verb or a few): start and complete,
claim and unclaim (签收 / 取消签收), transfer (转办), delegate (委派), CC (抄送), withdraw (撤回), follow-up dates
(跟进日期), comments (批注), urges (催办) and bulk runs. They act through the family descriptor
(`workflows.families`), lock the subject's row first, audit in the same transaction and notify."""
