"""Work-around for moto 5.2.5's DynamoDB TransactWriteItems under concurrent requests (local soak only).

Python imports `sitecustomize` at start-up from any sys.path entry; the soak puts this directory on moto's
PYTHONPATH. moto 5.2.5's `transact_write_items`:

1. deep-copies every table it touches before applying the transaction, so each transaction costs time in
   proportion to the whole table (about 1.5 ms per item: 1 s per PUT once 600 assignments are stored);
2. does so while other request threads (moto_server is threaded) update items, so the copy fails with
   "RuntimeError: dictionary changed size during iteration" and the request answers 500;
3. rolls a cancelled transaction back by putting the copied tables back, erasing every write other requests made
   in the meantime.

Real DynamoDB has none of these. Here, DynamoDB requests run one at a time (a lock around DynamoHandler's
call_action) and a transaction backs up and restores only the items it touches. Semantics are moto's own otherwise:
the function below is moto 5.2.5's with the backup and rollback replaced. Other moto versions are left alone.
"""

import copy
import threading

PATCHED_MOTO_VERSION = "5.2.5"


def _install():
    try:
        import moto

        if getattr(moto, "__version__", None) != PATCHED_MOTO_VERSION:
            return
        from moto.dynamodb.comparisons import get_filter_expression
        from moto.dynamodb.exceptions import (
            ConditionalCheckFailed,
            MockValidationException,
            MultipleTransactionsException,
            TooManyTransactionsException,
            TransactionCanceledException,
            TransactWriteSingleOpException,
        )
        from moto.dynamodb.models import DynamoDBBackend
        from moto.dynamodb.responses import DynamoHandler
    except Exception:  # not moto's interpreter, or another layout: change nothing
        return

    lock = threading.RLock()
    call_action = DynamoHandler.call_action

    def locked_call_action(self):
        with lock:
            return call_action(self)

    def transact_write_items(self, transact_items):
        if len(transact_items) > 100:
            raise TooManyTransactionsException()
        backups = {}

        def remember(table_name, key):
            table = self.get_table(table_name)
            hash_value, range_value = self.get_keys_value(table, key)
            ident = (table_name, hash_value, range_value)
            if ident not in backups:
                current = table.get_item(hash_value, range_value)
                backups[ident] = (table, hash_value, range_value, copy.deepcopy(current))

        def rollback():
            for table, hash_value, range_value, item in backups.values():
                if range_value is None:
                    if item is None:
                        table.items.pop(hash_value, None)
                    else:
                        table.items[hash_value] = item
                elif item is None:
                    bucket = table.items.get(hash_value)
                    if bucket is not None:
                        bucket.pop(range_value, None)
                else:
                    table.items[hash_value][range_value] = item

        target_items = set()

        def check_unicity(table_name, key):
            item = (str(table_name), str(dict(sorted(key.items()))))
            if item in target_items:
                raise MultipleTransactionsException()
            target_items.add(item)

        errors = []
        for item in transact_items:
            original_item = None
            if len(list(item.keys())) > 1:
                raise TransactWriteSingleOpException
            try:
                op_type, op = next(iter(item.items()))
                if op_type not in {"ConditionCheck", "Put", "Delete", "Update"}:
                    raise ValueError("Unsupported transaction operation")
                table_name = op["TableName"]
                condition_expression = op.get("ConditionExpression")
                names = op.get("ExpressionAttributeNames")
                values = op.get("ExpressionAttributeValues")
                return_old = op.get("ReturnValuesOnConditionCheckFailure")
                if op_type == "Put":
                    attrs = op["Item"]
                    table = self.get_table(table_name)
                    key = {table.hash_key_attr: attrs[table.hash_key_attr]}
                    if table.range_key_attr is not None:
                        key[table.range_key_attr] = attrs[table.range_key_attr]
                else:
                    key = op["Key"]
                check_unicity(table_name, key)
                remember(table_name, key)
                current = self.get_item(table_name, key)
                if condition_expression is not None:
                    condition_op = get_filter_expression(condition_expression, names, values)
                    if not condition_op.expr(current):
                        if return_old == "ALL_OLD" and current:
                            original_item = current.to_json()["Attributes"]
                        raise ConditionalCheckFailed(item=original_item)
                if op_type == "Put":
                    self.put_item(
                        table_name,
                        op["Item"],
                        condition_expression=condition_expression,
                        expression_attribute_names=names,
                        expression_attribute_values=values,
                    )
                elif op_type == "Delete":
                    self.delete_item(
                        table_name,
                        key,
                        condition_expression=condition_expression,
                        expression_attribute_names=names,
                        expression_attribute_values=values,
                    )
                elif op_type == "Update":
                    self.update_item(
                        table_name,
                        key,
                        update_expression=op["UpdateExpression"],
                        condition_expression=condition_expression,
                        expression_attribute_names=names,
                        expression_attribute_values=values,
                    )
                errors.append((None, None, None))
            except (MultipleTransactionsException, MockValidationException):
                rollback()
                raise
            except ConditionalCheckFailed as e:
                errors.append(("ConditionalCheckFailed", str(e.message), original_item))
            except Exception as e:  # noqa: BLE001 - moto collects every other error per item too
                errors.append((type(e).__name__, str(e), original_item))

        if any(code is not None for code, _, _ in errors):
            rollback()
            raise TransactionCanceledException(errors)

    DynamoHandler.call_action = locked_call_action
    DynamoDBBackend.transact_write_items = transact_write_items


_install()
