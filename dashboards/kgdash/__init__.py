"""What the dashboard pages share: the store handle, saved queries by name, graph views.

The pages (dashboards/views/) only lay out what these functions return, so the logic is
tested without a browser.
"""
