# Development settings for `flask` commands run in this folder (read by python-dotenv).
# Variables set in the environment win over these: production sets APP_ENV=production there.
FLASK_APP=course_app
APP_ENV=development
